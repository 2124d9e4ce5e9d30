// [tenant.referrals]: consent time-out and the hub's part in a tenant's referrals.
#include "sections.hpp"

namespace yorisoi::config::detail {

void read_referrals(toml_reader& reader, referral_settings& out) {
  reader.only({"consent_ttl_hours", "hub_skipped", "answers_through_hub"});
  // A request older than 30 days would ask about a situation that has long changed.
  if (const auto hours = reader.integer("consent_ttl_hours", 1, 24 * 30)) {
    out.consent_ttl = std::chrono::hours(*hours);
  }
  if (const auto skipped = reader.boolean("hub_skipped")) {
    out.hub_skipped = *skipped;
  }
  const auto through_hub = reader.boolean("answers_through_hub");
  if (through_hub) {
    out.answers_through_hub = *through_hub;
  }
  // Said explicitly, the two contradict each other; the default (true) simply does not apply then.
  if (out.hub_skipped) {
    if (through_hub && *through_hub) {
      reader.fail("answers_through_hub",
                  "cannot be true when hub_skipped = true (the hub never has the referral)");
    }
    out.answers_through_hub = false;
  }
  reader.finish();
}

}  // namespace yorisoi::config::detail
