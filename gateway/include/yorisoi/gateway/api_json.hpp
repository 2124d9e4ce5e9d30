#pragma once
// The console API's JSON: storage values serialised to the contract's schemas, the
// error bodies, and the request bodies parsed and validated. Pure; thread-safe; no Beast, no I/O.
//
// Times are RFC 3339 UTC with seconds ("2026-11-25T12:00:00Z"). Parsers never throw: malformed JSON,
// wrong types and missing fields are 400 `bad_request`; a broken rule (unknown label, text too long)
// is 422 `invalid`.

#include "yorisoi/config/config.hpp"
#include "yorisoi/storage/console.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::gateway {

struct api_error {
  unsigned status = 400;
  std::string code;     // bad_request, unsupported_media_type, unauthenticated, forbidden, csrf, …
  std::string message;  // Japanese sentence for the UI
  std::string reason;   // conflict/invalid from a rule: its stable code (e.g. "not_awaiting_consent"); or ""
};

// The standard error of a code (status and Japanese message from the contract).
[[nodiscard]] api_error make_api_error(std::string_view code);
// {"error": code, "message": message} (+ "reason" when set)
[[nodiscard]] std::string error_json(const api_error& error);
// A store's refusal (`code` conflict or invalid) with the rule's stable code: the Japanese message
// says what the rule wants when the code is known, else the code's standard message.
[[nodiscard]] api_error refusal_error(std::string_view code, std::string_view reason);

[[nodiscard]] std::string format_time(storage::time_point at);

[[nodiscard]] std::string session_json(const storage::session_info& session, const config::tenant& tenant);
[[nodiscard]] std::string staff_json(const storage::staff_user& user);
[[nodiscard]] std::string staff_list_json(const std::vector<storage::staff_user>& users);
[[nodiscard]] std::string tenant_json(const config::tenant& tenant);
[[nodiscard]] std::string queue_item_json(const storage::queue_item& item);
[[nodiscard]] std::string queue_page_json(const storage::queue_page& page);
[[nodiscard]] std::string queue_counts_json(const storage::queue_counts& counts);
[[nodiscard]] std::string message_json(const storage::transcript_message& message);
[[nodiscard]] std::string note_json(const storage::note& note);
[[nodiscard]] std::string consultation_json(const storage::consultation_detail& detail);
[[nodiscard]] std::string event_json(const storage::console_event& event);
[[nodiscard]] std::string events_json(const std::vector<storage::console_event>& events);
// The one event sent instead of a backlog too long to replay; `latest_id` lets the client resume.
[[nodiscard]] std::string resync_event_json(std::int64_t latest_id, storage::time_point at);
// The resident (api_resident_json.cpp): {items:[HistoryItem]}, ResidentNote, {items:[ResidentNote]}.
[[nodiscard]] std::string history_json(const std::vector<storage::history_item>& items);
[[nodiscard]] std::string resident_note_json(const storage::resident_note& note);
[[nodiscard]] std::string resident_notes_json(const std::vector<storage::resident_note>& notes);

template <typename T>
struct parsed {
  std::optional<T> value;  // set on success
  api_error error;         // meaningful when !value
};

struct password_change {
  std::string current_password;
  std::string new_password;
};

struct tag_update {
  std::vector<std::string> categories;  // distinct, in the tenant's order
  std::string age_band;                 // "" = unknown
};

inline constexpr std::size_t max_text_chars = 5000;
inline constexpr std::size_t min_password_chars = 12;

// Counts Unicode code points of UTF-8 text (0 for invalid UTF-8 is not distinguished: callers
// validate UTF-8 through the JSON parser first).
[[nodiscard]] std::size_t utf8_length(std::string_view text) noexcept;

[[nodiscard]] parsed<storage::login_request> parse_login(std::string_view body);
[[nodiscard]] parsed<password_change> parse_password_change(std::string_view body);
[[nodiscard]] parsed<storage::new_staff> parse_new_staff(std::string_view body);
[[nodiscard]] parsed<storage::staff_patch> parse_staff_patch(std::string_view body);
[[nodiscard]] parsed<std::string> parse_transfer(std::string_view body);  // to_user_id
// {text}: 1 to 5000 characters (else 400 bad_request, like a wrong type).
[[nodiscard]] parsed<std::string> parse_text(std::string_view body);
// {categories, age_band}: every label must be the tenant's.
[[nodiscard]] parsed<tag_update> parse_tags(std::string_view body, const config::tenant& tenant);

// The decoded value of `name` in a query string ("a=1&b=x%20y"), or nullopt.
[[nodiscard]] std::optional<std::string> query_param(std::string_view query, std::string_view name);
// view=waiting|mine|urgent|open (absent: open).
[[nodiscard]] parsed<storage::queue_view> parse_queue_view(std::string_view query);
// view as above, limit=1..200 (absent: 50; beyond: 400 with reason limit_out_of_range, never clamped),
// cursor=<next_cursor of the previous page> (malformed: 400 with reason bad_cursor). Previews are
// decided by the caller.
[[nodiscard]] parsed<storage::queue_request> parse_queue_request(std::string_view query);
// after=N, N >= 0; a successful result holds nullopt when the parameter is absent.
[[nodiscard]] parsed<std::optional<std::int64_t>> parse_after(std::string_view query);

}  // namespace yorisoi::gateway
