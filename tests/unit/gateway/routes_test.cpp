#include "yorisoi/gateway/routes.hpp"

#include "http/handlers.hpp"
#include "http/route_handler.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace yorisoi::gateway {
namespace {

TEST(routes, every_route_has_a_unique_name_and_method_pattern_pair) {
  std::set<std::string_view> names;
  std::set<std::string> keys;
  for (const auto& r : routes()) {
    EXPECT_TRUE(names.insert(r.name).second) << r.name;
    EXPECT_TRUE(keys.insert(std::string(r.method) + " " + std::string(r.pattern)).second) << r.pattern;
    EXPECT_EQ(r.pattern.front(), '/');
  }
}

TEST(routes, every_route_matches_its_own_pattern) {
  for (const auto& r : routes()) {
    std::string path(r.pattern);
    // Fill placeholders with a sample segment.
    for (auto open = path.find('{'); open != std::string::npos; open = path.find('{')) {
      path.replace(open, path.find('}', open) - open + 1, "sample");
    }
    const auto match = match_route(r.method, path);
    ASSERT_NE(match.found, nullptr) << path;
    EXPECT_EQ(match.found->name, r.name);
  }
}

// The table is what dispatch runs: every route names its handler, and a route with a permission (the
// console API behind admission) an API handler, a public route a public one. The stream is admitted by
// the session before its upgrade; its handler only answers a request without one.
TEST(routes, every_route_names_a_handler_of_its_kind) {
  for (const auto& r : routes()) {
    ASSERT_NE(r.handler, nullptr) << r.name;
    EXPECT_EQ(r.handler->api != nullptr, r.permission.has_value() && r.name != "stream") << r.name;
    EXPECT_NE(r.handler->api == nullptr, r.handler->open == nullptr) << r.name;
  }
}

TEST(routes, the_session_finds_the_webhook_and_the_stream) {
  for (const auto& r : routes()) {
    EXPECT_EQ(is_webhook_route(r), r.name == "line_webhook") << r.name;
    EXPECT_EQ(is_stream_route(r), r.name == "stream") << r.name;
  }
}

TEST(routes, webhook_captures_the_channel_key) {
  const auto match = match_route("POST", "/webhook/line/yamagata");
  ASSERT_NE(match.found, nullptr);
  EXPECT_EQ(match.found->name, "line_webhook");
  EXPECT_EQ(match.param("channel_key"), "yamagata");
  EXPECT_EQ(match.param("other"), std::nullopt);
}

TEST(routes, wrong_method_reports_the_allowed_ones) {
  const auto match = match_route("GET", "/webhook/line/yamagata");
  EXPECT_EQ(match.found, nullptr);
  EXPECT_EQ(match.allow, "POST");
  const auto health = match_route("DELETE", "/healthz");
  EXPECT_EQ(health.found, nullptr);
  EXPECT_EQ(health.allow, "GET");
}

struct unmatched_case {
  const char* method;
  const char* path;
};

TEST(routes, unknown_paths_match_nothing) {
  const unmatched_case cases[] = {
      {"GET", "/healthz/"},
      {"GET", "/HEALTHZ"},
      {"POST", "/webhook/line/"},
      {"POST", "/webhook/line"},
      {"POST", "/webhook/line/a/b"},
      {"POST", "/webhook//yamagata"},
      {"GET", ""},
      {"GET", "/consoles"},
      {"GET", "/api/v1/sessions"},
      {"GET", "/api/v1/consultations/"},
      {"POST", "/api/v1/consultations//claim"},
  };
  for (const auto& c : cases) {
    const auto match = match_route(c.method, c.path);
    EXPECT_EQ(match.found, nullptr) << c.path;
    EXPECT_TRUE(match.allow.empty()) << c.path;
  }
}

TEST(routes, rest_placeholder_takes_the_remaining_path) {
  const auto root = match_route("GET", "/console/");
  ASSERT_NE(root.found, nullptr);
  EXPECT_EQ(root.found->name, "console_file");
  EXPECT_EQ(root.param("path"), "");
  const auto deep = match_route("GET", "/console/js/app.js");
  ASSERT_NE(deep.found, nullptr);
  EXPECT_EQ(deep.param("path"), "js/app.js");
  const auto bare = match_route("GET", "/console");
  ASSERT_NE(bare.found, nullptr);
  EXPECT_EQ(bare.found->name, "console_redirect");
}

TEST(routes, api_routes_capture_their_ids) {
  const auto match = match_route("POST", "/api/v1/consultations/abc/claim");
  ASSERT_NE(match.found, nullptr);
  EXPECT_EQ(match.found->name, "claim");
  EXPECT_EQ(match.param("consultation_id"), "abc");
  const auto session = match_route("PUT", "/api/v1/session");
  EXPECT_EQ(session.found, nullptr);
  EXPECT_EQ(session.allow, "POST, GET, DELETE");
}

TEST(routes, queue_counts_is_not_taken_for_a_consultation_id) {
  const auto counts = match_route("GET", "/api/v1/queue/counts");
  ASSERT_NE(counts.found, nullptr);
  EXPECT_EQ(counts.found->name, "get_queue_counts");
  const auto row = match_route("GET", "/api/v1/queue/abc");
  ASSERT_NE(row.found, nullptr);
  EXPECT_EQ(row.found->name, "get_queue_row");
  EXPECT_EQ(row.param("consultation_id"), "abc");
}

// The authorisation table: which routes are public and which permission each API route needs.
TEST(routes, permissions_follow_the_contract) {
  using routing::permission;
  struct expected {
    const char* name;
    std::optional<permission> need;
  };
  const expected table[] = {
      {"healthz", std::nullopt},
      {"readyz", std::nullopt},
      {"metrics", std::nullopt},
      {"line_webhook", std::nullopt},
      {"root", std::nullopt},
      {"console_redirect", std::nullopt},
      {"console_file", std::nullopt},
      {"login", std::nullopt},
      {"get_session", permission::own_account},
      {"logout", permission::own_account},
      {"logout_everywhere", permission::own_account},
      {"change_password", permission::own_account},
      {"get_tenant", permission::own_account},
      {"begin_totp", permission::own_account},
      {"confirm_totp", permission::own_account},
      {"disable_totp", permission::own_account},
      {"reset_totp", permission::manage_staff},
      {"list_staff", permission::manage_staff},
      {"create_staff", permission::manage_staff},
      {"update_staff", permission::manage_staff},
      {"confirm_role", permission::manage_staff},
      {"cancel_role", permission::manage_staff},
      {"list_assignees", permission::transfer},
      {"get_queue", permission::work_consultations},
      {"get_queue_counts", permission::work_consultations},
      {"get_queue_row", permission::work_consultations},
      {"search_consultations", permission::work_consultations},
      {"get_consultation", permission::work_consultations},
      {"claim", permission::work_consultations},
      {"release", permission::work_consultations},
      {"transfer", permission::transfer},
      {"reply", permission::work_consultations},
      {"set_tags", permission::work_consultations},
      {"add_note", permission::work_consultations},
      {"close", permission::work_consultations},
      {"reopen", permission::work_consultations},
      {"typing", permission::work_consultations},
      {"resident_history", permission::work_consultations},
      {"resident_notes", permission::work_consultations},
      {"set_resident_note", permission::work_consultations},
      {"set_risk", permission::work_consultations},
      {"risk_history", permission::work_consultations},
      {"get_presence", permission::work_consultations},
      {"set_presence", permission::work_consultations},
      {"get_shift", permission::supervise_shift},
      {"whisper", permission::supervise_shift},
      {"set_capacity", permission::set_capacity},
      {"list_events", permission::own_account},
      {"stream", permission::own_account},
      {"list_referrals", permission::work_consultations},
      {"propose_referral", permission::work_consultations},
      {"record_consent", permission::work_consultations},
      {"withdraw_consent", permission::work_consultations},
      {"emergency_referral", permission::emergency_referral},
      {"close_referral", permission::work_consultations},
      {"officer_inbox", permission::officer_inbox},
      {"officer_referral", permission::officer_inbox},
      {"forward_referral", permission::officer_inbox},
      {"answer_referral", permission::officer_inbox},
      {"return_referral", permission::officer_inbox},
      {"report_summary", permission::read_reports},
      {"report_csv", permission::read_reports},
      {"link_redirect", std::nullopt},
  };
  ASSERT_EQ(routes().size(), std::size(table));
  for (std::size_t i = 0; i < std::size(table); ++i) {
    EXPECT_EQ(routes()[i].name, table[i].name);
    EXPECT_EQ(routes()[i].permission, table[i].need) << table[i].name;
  }
  // Every /api/v1 route except login needs a permission.
  for (const auto& r : routes()) {
    if (r.pattern.starts_with("/api/") && r.name != "login") {
      EXPECT_TRUE(r.permission.has_value()) << r.name;
    }
  }
}

TEST(routes, report_routes_and_tracked_links) {
  const auto summary = match_route("GET", "/api/v1/reports/summary");
  ASSERT_NE(summary.found, nullptr);
  EXPECT_EQ(summary.found->name, "report_summary");
  const auto csv = match_route("GET", "/api/v1/reports/summary.csv");
  ASSERT_NE(csv.found, nullptr);
  EXPECT_EQ(csv.found->name, "report_csv");
  const auto link = match_route("GET", "/l/web-ads");
  ASSERT_NE(link.found, nullptr);
  EXPECT_EQ(link.found->name, "link_redirect");
  EXPECT_EQ(link.param("code"), "web-ads");
  EXPECT_EQ(match_route("GET", "/l/").found, nullptr);
  EXPECT_EQ(match_route("GET", "/l/web-ads/more").found, nullptr);
  EXPECT_EQ(match_route("POST", "/l/web-ads").allow, "GET");
}

TEST(routes, json_lists_every_route) {
  const auto json = routes_json();
  EXPECT_NE(
      json.find(R"({"method":"GET","pattern":"/healthz","name":"healthz","permission":null,"roles":null})"),
      std::string::npos);
  // Each route with a permission names the roles that hold it.
  EXPECT_NE(json.find(R"({"method":"PATCH","pattern":"/api/v1/staff/{user_id}","name":"update_staff",)"
                      R"("permission":"manage_staff","roles":["admin"]})"),
            std::string::npos);
  EXPECT_NE(
      json.find(R"("name":"claim","permission":"work_consultations","roles":["supervisor","counsellor"]})"),
      std::string::npos);
}

// What each route is to a session with an unfinished account set-up: only these open; every other
// route (the stream included) is refused until the pending step is taken.
TEST(routes, the_account_gate_opens_only_the_session_and_the_pending_step) {
  using step = routing::account_step;
  const std::map<std::string_view, step> open{
      {"get_session", step::session},         {"logout", step::session},
      {"logout_everywhere", step::session},   {"change_password", step::password_change},
      {"begin_totp", step::factor_enrolment}, {"confirm_totp", step::factor_enrolment},
  };
  for (const auto& r : routes()) {
    const auto found = open.find(r.name);
    EXPECT_EQ(r.account_step, found == open.end() ? step::other : found->second) << r.name;
  }
}

}  // namespace
}  // namespace yorisoi::gateway
