#pragma once
// The counsellors' queue order, defined once for every query that lists or pages the queue: the risk
// rank first (緊急, then 高 — an urgent consultation counts as 高 unless a counsellor lowered it —,
// then the rest; routing::queue_rank, mirrored by the generated column risk_rank), then the earliest due (an off-hours arrival is due when the next staffed window opens), then the
// longest waiting, then the id (a total order, so keyset pages neither skip nor repeat a row). The index
// consultation_queue_order serves it; a consultation written before due_at and waiting_since existed
// counts from its opening. Over the consultation table aliased `c`.

namespace yorisoi::storage::detail {

inline constexpr const char* queue_order_key =
    "c.risk_rank, coalesce(c.due_at, c.opened_at), coalesce(c.waiting_since, c.opened_at), "
    "c.consultation_id";

}  // namespace yorisoi::storage::detail
