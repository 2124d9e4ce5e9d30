#pragma once
// The counsellors' work on consultations, on a general worker's connection. Every function limits
// objects to who.tenant_id (a malformed or foreign id is not_found), writes its audit row in the same
// transaction as the read or change, and throws on database errors (the caller answers `unavailable`).

#include "yorisoi/storage/console.hpp"
#include "yorisoi/storage/crypto.hpp"

#include <pqxx/connection>
#include <pqxx/row>
#include <pqxx/transaction_base>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace yorisoi::storage::detail {

inline constexpr std::size_t max_text_chars = 5000;

// queue_page.cpp: a page of a view (invalid "bad_page" for a limit or cursor out of form), the counts,
// one row. With previews the read is audited (queue.read) in the same transaction.
[[nodiscard]] op_result<queue_page> list_queue_page(pqxx::connection& conn, const keyring& keys,
                                                    const actor& who, const queue_request& request);
[[nodiscard]] op_result<queue_counts> read_queue_counts(pqxx::connection& conn, const actor& who);
[[nodiscard]] op_result<queue_item> read_queue_row(pqxx::connection& conn, const keyring& keys,
                                                   const actor& who, const std::string& id, bool previews);
[[nodiscard]] op_result<consultation_detail> read_consultation(pqxx::connection& conn, const keyring& keys,
                                                               const actor& who, const std::string& id);

[[nodiscard]] op_result<queue_item> claim(pqxx::connection& conn, const actor& who, const std::string& id);
// The claim with the capacity rule (routing::may_take_another): conflict over_capacity.
[[nodiscard]] op_result<queue_item> claim_within(pqxx::connection& conn, const actor& who, const std::string& id,
                                                 std::optional<unsigned> default_capacity);
[[nodiscard]] op_result<queue_item> release(pqxx::connection& conn, const actor& who, const std::string& id);
[[nodiscard]] op_result<queue_item> transfer(pqxx::connection& conn, const actor& who, const std::string& id,
                                             const std::string& to_user_id);
[[nodiscard]] op_result<queue_item> close(pqxx::connection& conn, const actor& who, const std::string& id);
[[nodiscard]] op_result<queue_item> reopen(pqxx::connection& conn, const actor& who, const std::string& id);
[[nodiscard]] op_result<queue_item> set_tags(pqxx::connection& conn, const actor& who, const std::string& id,
                                             const std::vector<std::string>& categories,
                                             const std::string& age_band);
[[nodiscard]] op_result<note> add_note(pqxx::connection& conn, const keyring& keys, const actor& who,
                                       const std::string& id, const std::string& text);
// A note addressed to the assigned counsellor (conflict "not_assigned" when nobody holds it).
[[nodiscard]] op_result<note> whisper(pqxx::connection& conn, const keyring& keys, const actor& who,
                                      const std::string& id, const std::string& text);
// ok: the outbox row and the message are committed; the caller then wakes the sender.
[[nodiscard]] op_result<transcript_message> reply(pqxx::connection& conn, const keyring& keys,
                                                  const actor& who, const std::string& id,
                                                  const std::string& text);

// console_resident.cpp: the resident's history and note (audited reads and writes).
[[nodiscard]] op_result<std::vector<history_item>> read_resident_history(pqxx::connection& conn, const actor& who,
                                                                         const std::string& resident_id);
[[nodiscard]] op_result<std::vector<resident_note>> read_resident_notes(pqxx::connection& conn,
                                                                        const keyring& keys, const actor& who,
                                                                        const std::string& resident_id);
[[nodiscard]] op_result<resident_note> add_resident_note(pqxx::connection& conn, const keyring& keys,
                                                         const actor& who, const std::string& resident_id,
                                                         const std::string& text);
// The columns of a history_item (12 of them, read by history_item_from) and the FROM clause they need:
// consultation c LEFT JOIN staff_user u (the assignee).
extern const char* const history_item_columns;
extern const char* const history_item_joins;
[[nodiscard]] history_item history_item_from(const pqxx::row& r);
// The newest note of the resident (inside the caller's transaction), or none.
[[nodiscard]] std::optional<resident_note> current_resident_note(pqxx::transaction_base& tx,
                                                                 const keyring& keys,
                                                                 const std::string& tenant_id,
                                                                 const std::string& resident_id);

// console_signals.cpp: what a read mark or the loading animation needs (line_chat); typing_chat
// refuses like a reply would.
[[nodiscard]] op_result<line_chat> read_mark_chat(pqxx::connection& conn, const keyring& keys, const actor& who,
                                                  const std::string& id);
[[nodiscard]] op_result<line_chat> typing_chat(pqxx::connection& conn, const keyring& keys, const actor& who,
                                               const std::string& id);
// console_shift.cpp: presence and capacity. `idle` is the session policy's idle limit (a session idle
// longer is not alive).
[[nodiscard]] op_result<presence_entry> read_presence(pqxx::connection& conn, const actor& who,
                                                      std::chrono::seconds idle, std::optional<unsigned> default_capacity);
[[nodiscard]] op_result<presence_outcome> change_presence(pqxx::connection& conn, const keyring& keys,
                                                          const actor& who, routing::presence to,
                                                          const std::string& handover_note,
                                                          std::chrono::seconds idle, std::optional<unsigned> default_capacity);
[[nodiscard]] op_result<std::vector<presence_entry>> read_shift(pqxx::connection& conn, const actor& who,
                                                                std::chrono::seconds idle,
                                                                std::optional<unsigned> default_capacity);
[[nodiscard]] op_result<presence_entry> change_capacity(pqxx::connection& conn, const actor& who,
                                                        const std::string& user_id,
                                                        std::optional<unsigned> capacity,
                                                        std::chrono::seconds idle, std::optional<unsigned> default_capacity);
// The capacity check of a claim inside the caller's transaction: the refusal's reason or "" (locks the
// actor's account row so that two claims of one person are counted one after the other).
[[nodiscard]] std::string capacity_refusal_of(pqxx::transaction_base& tx, const actor& who,
                                              std::optional<unsigned> default_capacity);
// Sets the user's presence off (logout) and announces it; nothing when it was off already.
void presence_off(pqxx::transaction_base& tx, const std::string& tenant_id, const std::string& user_id);

// console_risk.cpp: risk levels (routing/risk.hpp) and their history.
[[nodiscard]] op_result<queue_item> set_risk(pqxx::connection& conn, const keyring& keys, const actor& who,
                                             const std::string& id, routing::risk_level level,
                                             const std::string& reason);
[[nodiscard]] op_result<std::vector<risk_change>> read_risk_history(pqxx::connection& conn, const keyring& keys,
                                                                    const actor& who, const std::string& id);

[[nodiscard]] op_result<std::vector<console_event>> events_since(pqxx::connection& conn,
                                                                 const std::string& tenant_id,
                                                                 std::int64_t after_id, std::size_t limit,
                                                                 const console_event_filter& filter);

}  // namespace yorisoi::storage::detail
