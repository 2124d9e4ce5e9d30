#pragma once
// The referral API's JSON: the store's views serialised to the schemas
// Referral, OfficerReferral, ReferralAnswer and Consent, and the request bodies parsed. Pure;
// thread-safe; no Beast, no I/O. Parsers never throw: malformed JSON, wrong types, missing fields and
// lengths outside the contract's bounds are 400 `bad_request`; an unknown category label is 422 `invalid`
// (reason "unknown_category"). Unit ids and the emergency's basis are judged by the store (422 with the
// rule's reason), so that the rules live in one place.

#include "yorisoi/config/config.hpp"
#include "yorisoi/gateway/api_json.hpp"
#include "yorisoi/storage/referral.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::gateway {

inline constexpr std::size_t max_summary_chars = 2000;
inline constexpr std::size_t max_reason_chars = 2000;

[[nodiscard]] std::string referral_json(const storage::referral_view& referral);
[[nodiscard]] std::string referral_list_json(const std::vector<storage::referral_view>& referrals);
[[nodiscard]] std::string officer_referral_json(const storage::officer_referral& referral);
// {unit:{id,name,kind}, items:[OfficerReferral], next_cursor}; `unit` is the officer's (nullptr: unit
// null); next_cursor is null on the last page.
[[nodiscard]] std::string officer_inbox_json(const config::org_unit* unit,
                                             const storage::officer_inbox_page& page);
// The inbox's query: limit=1..200 (absent: 50; beyond: 400 with reason limit_out_of_range, never
// clamped), cursor=<next_cursor of the previous page> (malformed: 400 with reason bad_cursor).
[[nodiscard]] parsed<storage::officer_inbox_request> parse_officer_inbox_request(std::string_view query);

// {summary, unit_ids, reason, categories, emergency?: {legal_basis, reason}}. consultation_id is left
// empty for the caller. Categories are kept in the tenant's order, each once.
[[nodiscard]] parsed<storage::referral_proposal> parse_referral_proposal(std::string_view body,
                                                                         const config::tenant& tenant);

struct consent_record {
  bool granted = false;
  std::string message_id;
};
// {granted: bool, message_id}
[[nodiscard]] parsed<consent_record> parse_consent_record(std::string_view body);
// {message_id}
[[nodiscard]] parsed<std::string> parse_withdrawal(std::string_view body);
// {legal_basis, reason} (strings; their content is the store's to judge)
[[nodiscard]] parsed<storage::emergency_basis> parse_emergency_basis(std::string_view body);
// {unit_ids: [unit id, …]} with at least one
[[nodiscard]] parsed<std::vector<std::string>> parse_forward(std::string_view body);

}  // namespace yorisoi::gateway
