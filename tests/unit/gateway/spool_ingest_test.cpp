// The spool's replay decision (plan_spool_ingest): what a spooled webhook becomes, without a database.
#include "spool/spool_ingest.hpp"
#include "yorisoi/gateway/webhook_parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace yorisoi::gateway {
namespace {

config::settings load_pilot() {
  // Test values only: base64 of 32 bytes for the key and the pepper.
  const std::map<std::string, std::string> env{
      {"YORISOI_ENCRYPTION_KEYS", "1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="},
      {"YORISOI_PSEUDONYM_PEPPER", "yMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f4OHi4+Tl5uc="},
      {"YAMAGATA_LINE_CHANNEL_SECRET", "secret"},
      {"YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN", "token"},
  };
  return config::load(YORISOI_PILOT_CONFIG, [&env](const std::string& name) -> std::optional<std::string> {
    const auto found = env.find(name);
    return found == env.end() ? std::nullopt : std::optional<std::string>(found->second);
  });
}

std::string payload(const std::string& name) {
  std::ifstream in(std::string(YORISOI_PAYLOAD_DIR) + "/" + name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

spool_record record(std::string body, std::string tenant = "yamagata", std::string channel = "yamagata") {
  return spool_record{std::move(tenant), std::move(channel), 1'700'000'000'000, std::move(body)};
}

TEST(spool_ingest, a_message_becomes_an_ingest_of_its_events_for_the_channel_tenant) {
  const auto settings = load_pilot();
  const auto plan = plan_spool_ingest(settings, record(payload("several_events.json")));
  ASSERT_EQ(plan.what, spool_ingest_plan::kind::ingest);
  EXPECT_EQ(plan.request.tenant_id, "yamagata");
  EXPECT_EQ(plan.request.channel_key, "yamagata");
  EXPECT_GT(plan.request.events.size(), 1u);
  // Stored with the time it reached yorisoi, not the time of the replay.
  EXPECT_EQ(plan.request.received_unix_ms, std::optional<std::int64_t>(1'700'000'000'000));
}

TEST(spool_ingest, no_events_needs_nothing_stored) {
  const auto settings = load_pilot();
  EXPECT_EQ(plan_spool_ingest(settings, record(payload("empty_events.json"))).what,
            spool_ingest_plan::kind::nothing_to_store);
}

TEST(spool_ingest, a_channel_no_longer_configured_is_rejected) {
  const auto settings = load_pilot();
  const auto plan = plan_spool_ingest(settings, record(payload("message_text.json"), "yamagata", "gone"));
  EXPECT_EQ(plan.what, spool_ingest_plan::kind::rejected);
  EXPECT_EQ(plan.reason, "unknown_channel");
}

TEST(spool_ingest, a_channel_now_of_another_tenant_is_rejected) {
  const auto settings = load_pilot();
  const auto plan = plan_spool_ingest(settings, record(payload("message_text.json"), "tendo", "yamagata"));
  EXPECT_EQ(plan.what, spool_ingest_plan::kind::rejected);
  EXPECT_EQ(plan.reason, "tenant_mismatch");
}

TEST(spool_ingest, a_body_that_no_longer_parses_is_rejected) {
  const auto settings = load_pilot();
  const auto plan = plan_spool_ingest(settings, record("{\"events\":"));
  EXPECT_EQ(plan.what, spool_ingest_plan::kind::rejected);
  EXPECT_EQ(plan.reason, to_string(webhook_error::not_json));
}

TEST(spool_ingest, events_older_than_the_retention_at_arrival_are_dropped) {
  auto settings = load_pilot();
  // The pilot keeps 1825 days; the record arrived six years after its events' timestamps.
  constexpr std::int64_t six_years_ms = 6LL * 365 * 24 * 3'600'000;
  spool_record late = record(payload("several_events.json"));
  late.received_at_ms += six_years_ms;
  EXPECT_EQ(plan_spool_ingest(settings, late).what, spool_ingest_plan::kind::nothing_to_store);
  settings.server.accept_stale_events_for_replay = true;
  const auto replayed = plan_spool_ingest(settings, late);
  ASSERT_EQ(replayed.what, spool_ingest_plan::kind::ingest);
  EXPECT_GT(replayed.request.events.size(), 1u);
}

}  // namespace
}  // namespace yorisoi::gateway
