#pragma once
// Referrals to the city with the resident's consent: the persistence of the routing machines
// (routing/referral.hpp, routing/consent.hpp) and of what officers may see (referral_disclosure.hpp).
//
// Every operation loads the referral under a row lock, asks the routing machine, and writes the state
// it returns together with one referral_event row per change, in one transaction. A refusal by the
// rules answers `conflict` (the state forbids it) or `invalid` (the input breaks a rule) with the
// rule's stable error code as `reason`. Objects outside the actor's tenant, and referrals an officer
// may not see, are `not_found`. Officers' opened referrals are audited (referral.read).
//
// Consent requests expire `consent_ttl` after they were sent: a referral looked at after that is
// expired (and cancelled) in the same transaction, and a sweep does the same for all tenants (see
// sweep_expired; the service runs it every minute under an advisory lock).
//
// Threading: like console_store, every operation runs on a storage worker and answers through a
// callback invoked on a storage thread. All members may be called from any thread after start().

#include "yorisoi/routing/referral_types.hpp"
#include "yorisoi/storage/console.hpp"
#include "yorisoi/storage/crypto.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::storage {

// A tenant's org unit as referrals need it (from config::org_unit).
struct referral_unit_info {
  std::string id;
  std::string name;
  routing::unit_kind kind = routing::unit_kind::department;
};

// A tenant's referral settings (from config::tenant: org_units and [tenant.referrals]).
struct referral_tenant {
  std::vector<referral_unit_info> units;
  std::chrono::hours consent_ttl{72};
  bool hub_skipped = false;
  bool answers_through_hub = true;
  int utc_offset_minutes = 9 * 60;  // the referral number's year is the tenant's local year
};

struct referral_store_options {
  std::string url;  // libpq connection string or URI
  unsigned pool_size = 2;
  std::chrono::seconds connect_timeout{2};
  std::chrono::milliseconds statement_timeout{1500};
  std::map<std::string, referral_tenant> tenants;  // by tenant id; other tenants' calls are not_found
};

struct emergency_basis {
  std::string legal_basis;  // "appi_27_1_2" (個人情報保護法 第27条第1項第2号); anything else is refused
  std::string reason;  // why consent cannot be obtained; sealed, shown to staff only
};

struct referral_proposal {
  std::string consultation_id;
  std::string summary;                  // shared word for word with the recipients (and the resident)
  std::vector<std::string> unit_ids;    // suggested units; empty = the hub
  std::string reason;                   // why; never disclosed to officers
  std::vector<std::string> categories;  // tenant labels shared with it (validated by the caller)
  // Set: a supervisor sends it at once without asking the resident (no consent request is sent).
  std::optional<emergency_basis> emergency;
};

struct referral_answer {
  std::string unit_id;
  std::string unit_name;
  std::string text;  // 対応内容
  time_point answered_at{};
};

struct referral_consent_view {
  std::string state;  // requested | granted | declined | expired | withdrawn | "" (never requested)
  std::optional<time_point> requested_at;
  std::optional<time_point> expires_at;
  std::optional<time_point> answered_at;
  std::string answer_via;  // postback | counsellor | ""
  std::optional<time_point> withdrawn_at;
};

// The counsellors' view of a referral on their consultation.
struct referral_view {
  std::string referral_id;
  std::string number;  // e.g. "2026-0001"
  std::string consultation_id;
  std::string stage;  // routing::to_string(referral_stage)
  std::string cause;  // none | consent_declined | consent_expired | consent_withdrawn
  bool emergency = false;
  std::string legal_basis;  // emergency only
  bool hub_involved = false;
  std::string summary;
  std::string reason;
  std::vector<std::string> suggested_units;
  std::vector<std::string> recipients;
  std::vector<std::string> categories;
  referral_consent_view consent;
  std::vector<referral_answer> answers;  // in recipient order
  time_point created_at{};
};

// An officer's view: only what referral_disclosure.hpp allows. After a withdrawal of consent only the
// number and the notice remain (summary, categories and answers empty).
struct officer_referral {
  std::string referral_id;
  std::string number;
  std::string stage;
  bool emergency = false;
  bool consent_withdrawn = false;
  std::string summary;
  std::vector<std::string> categories;
  // The hub's officers only (the counsellor's suggestion, to choose where to forward); unset for others.
  std::optional<std::vector<std::string>> suggested_units;
  std::vector<std::string> recipients;   // hub officers only (whom it was forwarded to)
  std::vector<referral_answer> answers;  // the hub: all; a recipient unit: its own
  bool answered_by_my_unit = false;
  time_point created_at{};
};

inline constexpr std::size_t officer_inbox_default_limit = 50;
inline constexpr std::size_t officer_inbox_max_limit = 200;

// One page of an officer's inbox: referrals after `after` (a next_cursor; "" = the newest), at most `limit`.
struct officer_inbox_request {
  std::size_t limit = officer_inbox_default_limit;  // 1..officer_inbox_max_limit
  std::string after;
};

struct officer_inbox_page {
  std::vector<officer_referral> items;  // newest first
  std::string next_cursor;              // where the next page starts; "" at the end
};

// Whether `cursor` has the form of an officer inbox next_cursor (the gateway answers 400 otherwise). Pure.
[[nodiscard]] bool valid_officer_inbox_cursor(std::string_view cursor) noexcept;

class referral_store {
 public:
  // `store` must outlive this object (the same database; its inbox processor applies postbacks).
  // `keys` seals summaries, reasons and answers. Throws std::invalid_argument for a tenant without
  // units.
  referral_store(service& store, keyring keys, referral_store_options opts);
  ~referral_store();
  referral_store(const referral_store&) = delete;
  referral_store& operator=(const referral_store&) = delete;

  void start();
  void stop();  // finishes queued work; idempotent

  // A counsellor or supervisor (holding the consultation is not required; it must be open). Writes the
  // referral, its units and categories, the consent request and the outbox row carrying the LINE
  // message (text + a confirm template with 同意する / 同意しない postback buttons) in one transaction.
  void propose(actor who, referral_proposal proposal, std::function<void(op_result<referral_view>)> done);
  // The resident said yes / no in their own words: `message_id` is their (inbound) message of the
  // consultation, not older than the request.
  void record_consent(actor who, std::string referral_id, bool granted, std::string message_id,
                      std::function<void(op_result<referral_view>)> done);
  // The resident withdrew consent in their own words (`message_id` as above).
  void withdraw(actor who, std::string referral_id, std::string message_id,
                std::function<void(op_result<referral_view>)> done);
  // A supervisor sends a proposed or awaiting referral without consent; audited (referral.emergency).
  void emergency_send(actor who, std::string referral_id, emergency_basis basis,
                      std::function<void(op_result<referral_view>)> done);
  // The hub's officer forwards to departments and platform groups.
  void forward(actor who, std::string referral_id, std::vector<std::string> unit_ids,
               std::function<void(op_result<officer_referral>)> done);
  // A recipient unit's officer answers for the unit. When the last answer is in and the tenant does not
  // return answers through the hub, they are returned to the consultation at once. While the referral
  // is at the hub, the hub's officer answers it itself (routing's hub_answer): returned at once.
  void answer(actor who, std::string referral_id, std::string text,
              std::function<void(op_result<officer_referral>)> done);
  // The hub's officer returns the answers to the consultation.
  void return_answers(actor who, std::string referral_id,
                      std::function<void(op_result<officer_referral>)> done);
  // A counsellor closes a returned referral (after replying to the resident).
  void close(actor who, std::string referral_id, std::function<void(op_result<referral_view>)> done);

  // The consultation's referrals, newest first (counsellors and supervisors).
  void list_for_consultation(actor who, std::string consultation_id,
                             std::function<void(op_result<std::vector<referral_view>>)> done);
  // One page of the referrals visible to the officer's unit, newest first. Reads without row locks and
  // writes no audit row (opening a referral, officer_detail, is the audited read).
  void officer_inbox(actor who, officer_inbox_request page,
                     std::function<void(op_result<officer_inbox_page>)> done);
  // One referral for an officer; not visible → not_found. Audited (referral.read).
  void officer_detail(actor who, std::string referral_id,
                      std::function<void(op_result<officer_referral>)> done);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Expires consent requests past their deadline and cancels their referrals (all tenants). Returns how
// many were expired. Runs under a transaction-level advisory lock: a concurrent call returns 0.
// Used by the service's sweep; exposed for tests and tools. Throws storage_error on database failure.
std::size_t sweep_expired_consents(const std::string& url);

}  // namespace yorisoi::storage
