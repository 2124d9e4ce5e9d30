#pragma once
// The counsellors' queue order, defined once for every query that lists or pages the queue: urgent
// first, then the earliest due (an off-hours arrival is due when the next staffed window opens), then the
// longest waiting, then the id (a total order, so keyset pages neither skip nor repeat a row). The index
// consultation_queue_order serves it; a consultation written before due_at and waiting_since existed
// counts from its opening. Over the consultation table aliased `c`.

namespace yorisoi::storage::detail {

inline constexpr const char* queue_order_key =
    "c.priority <> 'urgent', coalesce(c.due_at, c.opened_at), coalesce(c.waiting_since, c.opened_at), "
    "c.consultation_id";

}  // namespace yorisoi::storage::detail
