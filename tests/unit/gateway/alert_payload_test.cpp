// The on-call alert on the wire: the body's fields (never the resident's text or LINE id), the signature
// scheme a receiver verifies, and which answers are retried.
#include "yorisoi/gateway/alert_payload.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace yorisoi::gateway {
namespace {

TEST(alert_payload, body_has_the_fields_and_the_console_link) {
  const alert_fields fields{"4b1e0c5e-0d3c-4d6b-9f6e-2f1a8e0c7d11",
                            "yamagata",
                            "urgent",
                            "R-3D287B",
                            "0f8fad5b-d9cb-469f-a165-70867728950e",
                            "2026-12-07T12:40:00Z"};
  const auto body = boost::json::parse(alert_body(fields, "https://soudan.example.jp")).as_object();
  EXPECT_EQ(body.at("type").as_string(), "yorisoi.alert");
  EXPECT_EQ(body.at("alert_id").as_string(), fields.alert_id);
  EXPECT_EQ(body.at("tenant").as_string(), "yamagata");
  EXPECT_EQ(body.at("kind").as_string(), "urgent");
  EXPECT_EQ(body.at("resident").as_string(), "R-3D287B");
  EXPECT_EQ(body.at("consultation_id").as_string(), fields.consultation_id);
  EXPECT_EQ(body.at("at").as_string(), "2026-12-07T12:40:00Z");
  EXPECT_EQ(body.at("console_url").as_string(),
            "https://soudan.example.jp/console/#/c/0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_EQ(body.size(), 8U);
}

TEST(alert_payload, signature_is_hex_hmac_sha256_of_timestamp_dot_body) {
  // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'test-alert-secret-0123'
  EXPECT_EQ(alert_signature("test-alert-secret-0123", "1700000000", R"({"a":1})"),
            "sha256=c20876b6baddc3b58667b15b7e2103a8fd99217d6b74ab35a74b7a21832f18f8");
  // The timestamp is part of what is signed.
  EXPECT_NE(alert_signature("test-alert-secret-0123", "1700000001", R"({"a":1})"),
            alert_signature("test-alert-secret-0123", "1700000000", R"({"a":1})"));
}

TEST(alert_payload, answers_sent_retried_or_failed) {
  const std::pair<int, send_outcome> cases[] = {
      {200, send_outcome::sent},   {202, send_outcome::sent},   {204, send_outcome::sent},
      {0, send_outcome::retry},    {408, send_outcome::retry},  {429, send_outcome::retry},
      {500, send_outcome::retry},  {503, send_outcome::retry},  {400, send_outcome::failed},
      {401, send_outcome::failed}, {404, send_outcome::failed}, {301, send_outcome::failed},
  };
  for (const auto& [status, outcome] : cases) {
    EXPECT_EQ(classify_alert_answer(status), outcome) << status;
  }
}

}  // namespace
}  // namespace yorisoi::gateway
