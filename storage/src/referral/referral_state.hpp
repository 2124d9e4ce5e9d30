#pragma once
// A referral as the routing machines see it, loaded under a row lock inside a transaction, and the
// writes that persist what the machines return (state, recipients, consent, and one referral_event
// row per change). Shared by referral_store and the inbox processor (postback consent).
//
// Not thread-safe state: none; free functions over the caller's transaction.

#include "yorisoi/routing/consent.hpp"
#include "yorisoi/routing/referral.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace yorisoi::storage::detail {

struct loaded_consent {
  std::string consent_id;
  routing::consent_status status;
  std::chrono::seconds ttl{0};
};

struct loaded_referral {
  std::string tenant_id;
  std::string referral_id;
  std::string consultation_id;
  std::string resident_id;
  routing::referral state;
  routing::referral_options options;
  std::vector<routing::unit_ref> units;   // the referral's own units (suggested and recipients)
  std::optional<loaded_consent> consent;  // the latest request
};

// Who acts, for the event log: routing's actor plus the staff user id ("" for resident/system).
struct acting {
  routing::actor who;
  std::string user_id;
};

void prepare_referral_state_statements(pqxx::connection& conn);

// Whether load_referral locks the referral and its latest consent request (FOR UPDATE) for a write,
// or only reads them (a view that changes nothing must not queue behind writers or block them).
enum class row_lock { update, none };

// Loads the referral (locked unless `lock` is none); nullopt when the tenant has no such referral.
[[nodiscard]] std::optional<loaded_referral> load_referral(pqxx::transaction_base& tx,
                                                           const std::string& tenant_id,
                                                           const std::string& referral_id,
                                                           row_lock lock = row_lock::update);

// Writes `next` over `current.state` (stage, flags, cause, new recipients) and appends the event.
void save_referral(pqxx::transaction_base& tx, loaded_referral& current, const routing::referral& next,
                   const std::string& event, const acting& by, const std::string& consent_from = {},
                   const std::string& consent_to = {}, const std::string& detail_json = "{}");

// Appends an event row without a stage change (consent changes on a referral that stays, views…).
void log_referral_event(pqxx::transaction_base& tx, const loaded_referral& r, const std::string& event,
                        const acting& by, const std::string& consent_from, const std::string& consent_to,
                        const std::string& detail_json = "{}");

// What happened to the resident's consent, and how they said it.
struct consent_change {
  routing::consent_event_kind kind = routing::consent_event_kind::grant;
  std::optional<routing::consent_source> source;
  std::string inbox_event_id;  // postbacks: inbox_event.event_id
};

// Runs the consent machine and then the referral machine on `r`, and persists both. A refusal by
// either machine writes nothing and is returned. An emergency referral's withdrawal is recorded on the
// consent only (the referral rests on the law, not on consent).
[[nodiscard]] std::optional<routing::rule_error> apply_consent(pqxx::transaction_base& tx, loaded_referral& r,
                                                               const consent_change& change, const acting& by,
                                                               routing::instant now);

// When the latest request is past its deadline at `now`, records the expiry and cancels the referral
// (actor system). Returns whether it did.
bool expire_if_due(pqxx::transaction_base& tx, loaded_referral& r, routing::instant now);

[[nodiscard]] std::string_view cause_name(routing::cancel_cause cause) noexcept;
[[nodiscard]] std::string_view unit_kind_name(routing::unit_kind kind) noexcept;
[[nodiscard]] routing::unit_kind parse_unit_kind(std::string_view text) noexcept;

}  // namespace yorisoi::storage::detail
