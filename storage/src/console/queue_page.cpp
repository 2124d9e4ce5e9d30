// The counsellors' queue, page by page (keyset pagination on the queue order, served by the index
// consultation_queue_order), with each row's triage: the preview of the resident's latest message,
// the reader's unread count and the marks. Reading previews is audited once per read.
#include "console/console_common.hpp"
#include "console/console_consultations.hpp"
#include "console/queue_order.hpp"
#include "yorisoi/routing/consultation_access.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <optional>
#include <utility>

namespace yorisoi::storage {
namespace {

struct cursor_parts {
  int rank = 2;  // routing::queue_rank
  long long due_us = 0;
  long long waiting_us = 0;
  std::string id;
};

// "<r>-<due>-<waiting>-<id>": r is the risk rank (0 緊急, 1 高 or urgent, 2 the rest); due and waiting are microseconds since
// the epoch in 20 digits; id is the lowercase uuid. Fixed width, so that comparing two keys as strings
// compares the rows in queue order (the console places a changed row with it).
std::optional<cursor_parts> parse_cursor(std::string_view cursor) {
  constexpr std::size_t digits = 20;
  if (cursor.size() != 1 + 1 + digits + 1 + digits + 1 + 36) {
    return std::nullopt;
  }
  if (cursor[0] < '0' || cursor[0] > '2' || cursor[1] != '-' || cursor[2 + digits] != '-' ||
      cursor[3 + 2 * digits] != '-') {
    return std::nullopt;
  }
  cursor_parts out;
  out.rank = cursor[0] - '0';
  for (auto [first, value] :
       {std::pair{std::size_t{2}, &out.due_us}, std::pair{3 + digits, &out.waiting_us}}) {
    const char* begin = cursor.data() + first;
    const auto [end, error] = std::from_chars(begin, begin + digits, *value);
    if (error != std::errc{} || end != begin + digits || *value < 0) {
      return std::nullopt;
    }
  }
  const std::string_view id = cursor.substr(4 + 2 * digits);
  for (char c : id) {
    if (c != '-' && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return std::nullopt;
    }
  }
  if (!detail::is_uuid(id)) {
    return std::nullopt;
  }
  out.id = std::string(id);
  return out;
}

}  // namespace

bool valid_queue_cursor(std::string_view cursor) noexcept {
  try {
    return parse_cursor(cursor).has_value();
  } catch (...) {
    return false;  // allocation failure only
  }
}

namespace detail {
namespace {

// The queue-only columns, after queue_item_columns: 18 key (risk rank), 19 due µs, 20 waiting µs,
// 21 unread, 22 wrote back, 23 referral answered, 24 preview body, 25 its key id, 26 its message id.
// $2 is the reader's user id ("" for none), $3 whether to read previews.
constexpr const char* triage_columns = R"sql(,
       c.risk_rank::integer,
       (extract(epoch FROM coalesce(c.due_at, c.opened_at)) * 1000000)::bigint,
       (extract(epoch FROM coalesce(c.waiting_since, c.opened_at)) * 1000000)::bigint,
       greatest(c.messages_in - coalesce(r.seen_in, 0), 0),
       c.waiting_since IS NOT NULL AND c.first_answer_at IS NOT NULL AND c.waiting_since > c.first_answer_at,
       EXISTS (SELECT 1 FROM referral rf WHERE rf.tenant_id = c.tenant_id
                  AND rf.consultation_id = c.consultation_id AND rf.stage = 'returned'),
       p.body, p.body_key_id, p.message_id::text
)sql";

constexpr const char* triage_joins = R"sql(
  LEFT JOIN consultation_read r ON r.tenant_id = c.tenant_id AND r.consultation_id = c.consultation_id
                               AND r.user_id = NULLIF($2, '')::uuid
  LEFT JOIN LATERAL (
    SELECT m.body, m.body_key_id, m.message_id FROM message m
     WHERE $3::boolean AND m.tenant_id = c.tenant_id AND m.consultation_id = c.consultation_id
       AND m.direction = 'in' AND m.body IS NOT NULL
     ORDER BY m.sent_at DESC, m.message_id DESC LIMIT 1) p ON true
)sql";

std::string order_by() {
  return std::string("\n ORDER BY ") + queue_order_key + "\n LIMIT $5\n";
}

// $4 is the view.
constexpr const char* view_filter = R"sql(
 WHERE c.tenant_id = $1 AND c.state <> 'closed'
   AND CASE $4 WHEN 'waiting' THEN c.assigned_to IS NULL
               WHEN 'mine' THEN c.assigned_to = NULLIF($2, '')::uuid
               WHEN 'urgent' THEN c.priority = 'urgent'
               ELSE true END
)sql";

// Rows after the cursor ($6 risk rank, $7 due µs, $8 waiting µs, $9 id), in the index's order.
std::string after_cursor() {
  return std::string("\n   AND (") + queue_order_key + R"sql()
     > ($6::smallint, timestamptz 'epoch' + $7::bigint * interval '1 microsecond',
        timestamptz 'epoch' + $8::bigint * interval '1 microsecond', $9::uuid)
)sql";
}

std::string select_rows() {
  return std::string("SELECT ") + queue_item_columns + triage_columns + queue_item_joins + triage_joins;
}

constexpr const char* counts_sql = R"sql(
SELECT count(*) FILTER (WHERE assigned_to IS NULL),
       count(*) FILTER (WHERE assigned_to = NULLIF($2, '')::uuid),
       count(*) FILTER (WHERE priority = 'urgent'),
       count(*)
  FROM consultation WHERE tenant_id = $1 AND state <> 'closed'
)sql";

const char* view_name(queue_view view) {
  switch (view) {
    case queue_view::waiting:
      return "waiting";
    case queue_view::mine:
      return "mine";
    case queue_view::urgent:
      return "urgent";
    case queue_view::open:
      return "open";
  }
  return "open";
}

std::string key_of(int rank, long long due_us, long long waiting_us, const std::string& id) {
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%c-%020lld-%020lld-", static_cast<char>('0' + std::clamp(rank, 0, 2)),
                due_us < 0 ? 0LL : due_us, waiting_us < 0 ? 0LL : waiting_us);
  std::string key(buffer.data());
  for (char c : id) {
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

// At most preview_chars code points, line breaks and tabs as spaces, "…" when cut.
std::string cut_preview(const std::string& text) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    if (lead >= 0xF0) {
      length = 4;
    } else if (lead >= 0xE0) {
      length = 3;
    } else if (lead >= 0xC0) {
      length = 2;
    }
    if (chars == preview_chars) {
      out += "…";
      return out;
    }
    if (lead == '\n' || lead == '\r' || lead == '\t') {
      out += ' ';
    } else {
      out.append(text, i, length);
    }
    ++chars;
    i += length;
  }
  return out;
}

queue_item row_from(const pqxx::row& r, const keyring& keys, const std::string& tenant_id) {
  queue_item item = queue_item_from(r);
  queue_triage t;
  t.queue_key = key_of(r[18].as<int>(), r[19].as<long long>(), r[20].as<long long>(), item.consultation_id);
  t.unread = r[21].as<std::int64_t>();
  t.wrote_back = r[22].as<bool>();
  t.referral_answered = r[23].as<bool>();
  if (!r[24].is_null()) {
    try {
      t.preview = cut_preview(keys.open(sealed{r[25].as<std::uint32_t>(), pqxx::binarystring(r[24]).str()},
                                        tenant_id + "/message"));
    } catch (const crypto_error&) {
      spdlog::error("storage: sealed text of {} cannot be opened", r[26].as<std::string>());
    }
  }
  item.triage = std::move(t);
  return item;
}

std::string reader_of(const actor& who) {
  return is_uuid(who.user_id) ? who.user_id : std::string();
}

bool previews_for(const actor& who, bool wanted) {
  return wanted && routing::may_see_previews(who.role);
}

queue_counts counts_in(pqxx::transaction_base& tx, const actor& who) {
  const pqxx::row c = tx.exec_prepared1("queue_page_counts", who.tenant_id, reader_of(who));
  return queue_counts{c[0].as<std::size_t>(), c[1].as<std::size_t>(), c[2].as<std::size_t>(),
                      c[3].as<std::size_t>()};
}

}  // namespace

void prepare_queue_page_statements(pqxx::connection& conn) {
  conn.prepare("queue_page_first", select_rows() + view_filter + order_by());
  conn.prepare("queue_page_after", select_rows() + view_filter + after_cursor() + order_by());
  conn.prepare("queue_page_row", select_rows() + " WHERE c.tenant_id = $1 AND c.consultation_id = $4::uuid");
  conn.prepare("queue_page_counts", counts_sql);
}

op_result<queue_page> list_queue_page(pqxx::connection& conn, const keyring& keys, const actor& who,
                                      const queue_request& request) {
  const std::optional<cursor_parts> after =
      request.after.empty() ? std::nullopt : parse_cursor(request.after);
  if (request.limit < 1 || request.limit > queue_max_limit || (!request.after.empty() && !after)) {
    return refuse<queue_page>(op_status::invalid, "bad_page");
  }
  const bool previews = previews_for(who, request.previews);
  const std::string me = reader_of(who);
  // One more row than asked says whether another page follows.
  const auto fetch = static_cast<long long>(request.limit + 1);
  pqxx::work tx(conn, "queue_page");
  queue_page page;
  page.counts = counts_in(tx, who);
  const std::string view = view_name(request.view);
  pqxx::result rows;
  if (request.after.empty()) {
    rows = tx.exec_prepared("queue_page_first", who.tenant_id, me, previews, view, fetch);
  } else {
    rows = tx.exec_prepared("queue_page_after", who.tenant_id, me, previews, view, fetch, after->rank,
                            after->due_us, after->waiting_us, after->id);
  }
  for (const auto& r : rows) {
    if (page.items.size() == request.limit) {
      page.next_cursor = page.items.back().triage->queue_key;
      break;
    }
    page.items.push_back(row_from(r, keys, who.tenant_id));
  }
  if (previews) {
    // One audit row per read of resident text in the queue, whatever the number of rows.
    audit(tx, who.tenant_id, me, "queue.read", "queue", who.tenant_id,
          json_object({{"view", view}, {"rows", std::to_string(page.items.size())}}));
  }
  tx.commit();
  return ok(std::move(page));
}

op_result<queue_counts> read_queue_counts(pqxx::connection& conn, const actor& who) {
  pqxx::read_transaction tx(conn, "queue_counts");
  return ok(counts_in(tx, who));
}

op_result<queue_item> read_queue_row(pqxx::connection& conn, const keyring& keys, const actor& who,
                                     const std::string& id, bool want_previews) {
  if (!is_uuid(id)) {
    return refuse<queue_item>(op_status::not_found);
  }
  const bool previews = previews_for(who, want_previews);
  const std::string me = reader_of(who);
  pqxx::work tx(conn, "queue_row");
  const pqxx::result rows = tx.exec_prepared("queue_page_row", who.tenant_id, me, previews, id);
  if (rows.empty()) {
    return refuse<queue_item>(op_status::not_found);
  }
  queue_item item = row_from(rows[0], keys, who.tenant_id);
  if (previews) {
    audit(tx, who.tenant_id, me, "queue.read", "consultation", id, json_object({{"rows", "1"}}));
  }
  tx.commit();
  return ok(std::move(item));
}

}  // namespace detail
}  // namespace yorisoi::storage
