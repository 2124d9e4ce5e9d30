#pragma once
// Small pieces shared by the console's storage files: ids, times, random tokens, the audit log, the
// session notification and the consultation summary row. Not thread-safe state: none; free functions.

#include "yorisoi/storage/console.hpp"

#include <pqxx/connection>
#include <pqxx/row>
#include <pqxx/transaction_base>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yorisoi::storage::detail {

// A uuid in its textual form (any case, with hyphens). Anything else is "not found", never an error.
[[nodiscard]] bool is_uuid(std::string_view text) noexcept;

[[nodiscard]] time_point from_micros(long long us) noexcept;

// `bytes` random bytes from OpenSSL, base64url without padding. Throws std::runtime_error.
[[nodiscard]] std::string random_token(std::size_t bytes = 32);
// SHA-256 of `token` (raw 32 bytes): what the database keeps of a session token.
[[nodiscard]] std::string token_hash(std::string_view token);
[[nodiscard]] std::string hex(std::string_view bytes);

// Appends one audit row. `actor_id` empty: the system or the command line. `detail_json` never
// carries message text or passwords.
void audit(pqxx::transaction_base& tx, const std::string& tenant_id, const std::string& actor_id,
           const std::string& action, const std::string& object_type, const std::string& object_id,
           const std::string& detail_json = "{}");

// pg_notify('yorisoi_session', user_id): delivered at COMMIT, so sockets close only once it is true.
void notify_session_ended(pqxx::transaction_base& tx, const std::string& user_id);

// The columns of a queue_item (read by queue_item_from; 18 of them: … 14 the resident id, 15 the set risk level, 16 lowered, 17 inbox parked at), and the FROM clause they need: consultation c
// LEFT JOIN staff_user u (the assignee). queue_item_select() is "SELECT <columns> <joins>".
extern const char* const queue_item_columns;
extern const char* const queue_item_joins;
[[nodiscard]] std::string queue_item_select();
[[nodiscard]] queue_item queue_item_from(const pqxx::row& r);
// A consultation's categories as the queries join them (string_agg with U+001F; "" is none).
[[nodiscard]] std::vector<std::string> split_categories(const std::string& joined);
// Fills the item's risk fields from the set level and whether it was lowered (its `urgent` already set).
void set_risk_of(queue_item& item, std::optional<routing::risk_level> set, bool lowered);

// "tenant_id, user_id, login, display_name, role, org_unit, disabled, created_at" of staff_user u,
// read by staff_user_from starting at column `first`.
extern const char* const staff_user_columns;
[[nodiscard]] staff_user staff_user_from(const pqxx::row& r, int first = 0);

// A JSON object of string fields, for audit details (values are escaped).
[[nodiscard]] std::string json_object(std::initializer_list<std::pair<const char*, std::string>> fields);

// "event_id, tenant_id, kind, consultation_id, message_id, at, referral_id, unit, staff_user_id,
// resident id (of the consultation)" of console_event (unaliased), read by console_event_from.
extern const char* const console_event_columns;
[[nodiscard]] console_event console_event_from(const pqxx::row& r);

// Statements of the console files, prepared on every general worker's connection.
void prepare_console_statements(pqxx::connection& conn);
void prepare_console_session_statements(pqxx::connection& conn);
void prepare_console_staff_statements(pqxx::connection& conn);
void prepare_console_read_statements(pqxx::connection& conn);
void prepare_console_work_statements(pqxx::connection& conn);
void prepare_queue_page_statements(pqxx::connection& conn);
void prepare_console_resident_statements(pqxx::connection& conn);
void prepare_console_signal_statements(pqxx::connection& conn);
void prepare_console_shift_statements(pqxx::connection& conn);
void prepare_console_risk_statements(pqxx::connection& conn);

template <typename T>
[[nodiscard]] op_result<T> ok(T value) {
  return op_result<T>{op_status::ok, std::move(value), {}};
}
template <typename T>
[[nodiscard]] op_result<T> refuse(op_status status, std::string reason = {}) {
  return op_result<T>{status, T{}, std::move(reason)};
}

}  // namespace yorisoi::storage::detail
