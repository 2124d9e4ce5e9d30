#include "yorisoi/gateway/webhook_parser.hpp"
#include "yorisoi/gateway/line_signature.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace yorisoi::gateway {
namespace {

using routing::line_event_type;

std::string payload(const std::string& name) {
  std::ifstream in(std::filesystem::path(YORISOI_PAYLOAD_DIR) / (name + ".json"), std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

routing::line_event single(const std::string& name) {
  const auto result = parse_webhook(payload(name));
  EXPECT_TRUE(result.ok()) << name << ": " << result.message;
  EXPECT_EQ(result.events.size(), 1u) << name;
  return result.events.empty() ? routing::line_event{} : result.events.front();
}

// One recorded payload per event type of the Messaging API, and what it must map to.
struct type_case {
  const char* file;
  line_event_type type;
  const char* type_name;
  const char* source_type;
};

TEST(parse_webhook, maps_every_documented_event_type) {
  const type_case cases[] = {
      {"message_text", line_event_type::message, "message", "user"},
      {"message_image", line_event_type::message, "message", "user"},
      {"message_sticker", line_event_type::message, "message", "user"},
      {"message_location", line_event_type::message, "message", "user"},
      {"message_file", line_event_type::message, "message", "user"},
      {"message_audio", line_event_type::message, "message", "user"},
      {"message_video", line_event_type::message, "message", "user"},
      {"unsend", line_event_type::unsend, "unsend", "user"},
      {"follow", line_event_type::follow, "follow", "user"},
      {"unfollow", line_event_type::unfollow, "unfollow", "user"},
      {"join", line_event_type::join, "join", "group"},
      {"leave", line_event_type::leave, "leave", "group"},
      {"member_joined", line_event_type::member_joined, "memberJoined", "group"},
      {"member_left", line_event_type::member_left, "memberLeft", "group"},
      {"postback", line_event_type::postback, "postback", "user"},
      {"video_play_complete", line_event_type::video_play_complete, "videoPlayComplete", "user"},
      {"beacon", line_event_type::beacon, "beacon", "user"},
      {"account_link", line_event_type::account_link, "accountLink", "user"},
      {"things", line_event_type::things, "things", "user"},
      {"module", line_event_type::module, "module", "user"},
      {"activated", line_event_type::activated, "activated", "user"},
      {"deactivated", line_event_type::deactivated, "deactivated", "user"},
      {"bot_suspended", line_event_type::bot_suspended, "botSuspended", ""},
      {"bot_resumed", line_event_type::bot_resumed, "botResumed", ""},
      {"future_type", line_event_type::unknown, "somethingNew", "user"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const auto event = single(c.file);
    EXPECT_EQ(event.type, c.type);
    EXPECT_EQ(event.type_name, c.type_name);
    EXPECT_EQ(event.source_type, c.source_type);
    EXPECT_EQ(event.timestamp_ms, 1700000000000);
    EXPECT_EQ(event.webhook_event_id.rfind("01HG", 0), 0u);
    EXPECT_FALSE(event.redelivery);
    EXPECT_EQ(event.mode, routing::line_event_mode::active);
    // raw_json is the event object itself, re-serialised: it parses and has the same type.
    EXPECT_EQ(event.raw_json.front(), '{');
    EXPECT_NE(event.raw_json.find(std::string("\"type\":\"") + c.type_name + "\""), std::string::npos);
  }
}

TEST(parse_webhook, text_message_keeps_text_ids_and_reply_token) {
  const auto event = single("message_text");
  EXPECT_EQ(event.message_type, "text");
  EXPECT_EQ(event.message_id, "468789577898262530");
  EXPECT_EQ(event.text, "こんにちは、相談したいです");
  EXPECT_EQ(event.reply_token, "b60d1a3fde5f4c0a9d1a3fde5f4c0a9d");
  EXPECT_EQ(event.source_user_id, "U4af4980629a0b0c0d0e0f0a0b0c0d0e0");
}

TEST(parse_webhook, non_text_messages_have_a_type_and_id_but_no_text) {
  for (const char* kind : {"image", "sticker", "location", "file", "audio", "video"}) {
    SCOPED_TRACE(kind);
    const auto event = single(std::string("message_") + kind);
    EXPECT_EQ(event.message_type, kind);
    EXPECT_FALSE(event.message_id.empty());
    EXPECT_TRUE(event.text.empty());
  }
}

TEST(parse_webhook, unsend_carries_the_withdrawn_message_id) {
  const auto event = single("unsend");
  EXPECT_EQ(event.message_id, "325708");
  EXPECT_TRUE(event.reply_token.empty());
}

TEST(parse_webhook, follow_keeps_the_whole_object_including_is_unblocked) {
  const auto event = single("follow");
  EXPECT_EQ(event.reply_token, "r-follow");
  EXPECT_NE(event.raw_json.find("\"isUnblocked\":true"), std::string::npos);
}

TEST(parse_webhook, postback_keeps_data_and_params) {
  const auto event = single("postback");
  EXPECT_EQ(event.postback_data, "action=consent&referral=42&answer=yes");
  EXPECT_NE(event.raw_json.find("\"datetime\":\"2023-02-20T18:30\""), std::string::npos);
}

TEST(parse_webhook, an_empty_events_array_is_the_verification_request) {
  const auto result = parse_webhook(payload("empty_events"));
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.events.empty());
  EXPECT_EQ(result.destination, "Ubot0000000000000000000000000000");
}

TEST(parse_webhook, several_events_keep_their_order_mode_and_redelivery_flag) {
  const auto result = parse_webhook(payload("several_events"));
  ASSERT_TRUE(result.ok()) << result.message;
  ASSERT_EQ(result.events.size(), 3u);
  EXPECT_EQ(result.events[0].type, line_event_type::follow);
  EXPECT_EQ(result.events[1].text, "夜分にすみません");
  EXPECT_TRUE(result.events[1].redelivery);
  EXPECT_EQ(result.events[2].mode, routing::line_event_mode::standby);
  EXPECT_EQ(result.events[2].message_type, "sticker");
}

TEST(parse_webhook, derives_a_stable_id_when_webhook_event_id_is_missing) {
  const auto first = parse_webhook(payload("several_events"));
  const auto again = parse_webhook(payload("several_events"));
  ASSERT_EQ(first.events.size(), 3u);
  const auto& derived = first.events[2].webhook_event_id;
  EXPECT_EQ(derived.rfind("sha256:", 0), 0u);
  EXPECT_EQ(derived.size(), 7u + 64u);
  EXPECT_EQ(derived, again.events[2].webhook_event_id);
  EXPECT_NE(derived, first.events[1].webhook_event_id);
}

TEST(parse_webhook, ignores_wrongly_typed_optional_fields) {
  const auto result = parse_webhook(
      R"({"events":[{"type":"message","timestamp":"soon","source":7,"message":{"type":5,"text":["x"]},)"
      R"("deliveryContext":{"isRedelivery":"yes"},"replyToken":null,"mode":1}]})");
  ASSERT_TRUE(result.ok()) << result.message;
  const auto& event = result.events.front();
  EXPECT_EQ(event.timestamp_ms, 0);
  EXPECT_TRUE(event.source_type.empty());
  EXPECT_TRUE(event.message_type.empty());
  EXPECT_FALSE(event.redelivery);
  EXPECT_EQ(event.mode, routing::line_event_mode::active);
}

struct malformed_case {
  const char* body;
  webhook_error error;
};

TEST(parse_webhook, malformed_bodies_give_an_error_and_never_throw) {
  const malformed_case cases[] = {
      {"", webhook_error::not_json},
      {"{", webhook_error::not_json},
      {"not json", webhook_error::not_json},
      {R"({"events":[]} trailing)", webhook_error::not_json},
      {"[]", webhook_error::not_object},
      {"42", webhook_error::not_object},
      {R"("events")", webhook_error::not_object},
      {"{}", webhook_error::no_events},
      {R"({"events":{}})", webhook_error::no_events},
      {R"({"events":null})", webhook_error::no_events},
      {R"({"events":[1]})", webhook_error::event_not_object},
      {R"({"events":[{"type":"follow"},[]]})", webhook_error::event_not_object},
      {R"({"events":[{}]})", webhook_error::event_without_type},
      {R"({"events":[{"type":7}]})", webhook_error::event_without_type},
      {R"({"events":[{"type":""}]})", webhook_error::event_without_type},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    webhook_parse_result result;
    EXPECT_NO_THROW(result = parse_webhook(c.body));
    EXPECT_EQ(result.error, c.error);
    EXPECT_FALSE(result.message.empty());
    EXPECT_TRUE(result.events.empty());
  }
}

TEST(parse_webhook, deeply_nested_documents_are_refused_not_recursed) {
  std::string deep = R"({"events":[{"type":"message","x":)";
  deep += std::string(100000, '[');
  deep += std::string(100000, ']');
  deep += "}]}";
  webhook_parse_result result;
  EXPECT_NO_THROW(result = parse_webhook(deep));
  EXPECT_EQ(result.error, webhook_error::not_json);
}

TEST(parse_webhook, invalid_utf8_is_refused) {
  const auto result = parse_webhook("{\"events\":[{\"type\":\"message\",\"x\":\"\xff\xfe\"}]}");
  EXPECT_EQ(result.error, webhook_error::not_json);
}

}  // namespace
}  // namespace yorisoi::gateway
