// One table of LINE webhook events, each mapped twice: at intake (parse_webhook on a request carrying
// it) and on re-read (parse_stored_event on the payload intake stored). Both must give the expected
// event, and the same one.
#include "inbox/stored_event.hpp"
#include "yorisoi/gateway/webhook_parser.hpp"
#include "yorisoi/storage/line_event_json.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace yorisoi::gateway {
namespace {

using routing::line_event;
using routing::line_event_mode;
using routing::line_event_type;

// A webhook_event_id that must be derived from the stored bytes: "sha256:" + 64 hex digits.
constexpr const char* derived = "sha256:";

struct mapping_case {
  const char* name;
  std::string json;  // one event object, as LINE might send it (spacing and all)
  line_event want;   // raw_json is not compared here (it is the re-serialised object)
  webhook_error refused = webhook_error::none;  // intake's answer when the event cannot map
  const char* unusable = nullptr;               // re-read's reason for that event
};

// Each row names only the fields its event carries; the rest keep line_event's defaults.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const mapping_case cases[] = {
    // Messages.
    {"text from a user",
     R"({"replyToken":"rt-1","type":"message","mode":"active","timestamp":1462629479859,
         "source":{"type":"user","userId":"U206d25c2ea6bd87c17655609a1c37cb8"},
         "webhookEventId":"01FZ74ASS536FW97EX38NKCZQK","deliveryContext":{"isRedelivery":false},
         "message":{"id":"325708","type":"text","quoteToken":"q1","text":"相談したいです"}})",
     {.webhook_event_id = "01FZ74ASS536FW97EX38NKCZQK",
      .type = line_event_type::message,
      .type_name = "message",
      .timestamp_ms = 1462629479859,
      .source_type = "user",
      .source_user_id = "U206d25c2ea6bd87c17655609a1c37cb8",
      .reply_token = "rt-1",
      .message_type = "text",
      .message_id = "325708",
      .text = "相談したいです"}},
    {"text in a group, redelivered",
     R"({"type":"message","mode":"active","timestamp":1462629479860,
         "source":{"type":"group","groupId":"Ca56f94637c0000000000000000000000","userId":"U4af4980629"},
         "webhookEventId":"01FZ74ASS536FW97EX38NKCZQL","deliveryContext":{"isRedelivery":true},
         "message":{"id":"325709","type":"text","text":"@All おはよう",
                    "mention":{"mentionees":[{"index":0,"length":4,"type":"all"}]}}})",
     {.webhook_event_id = "01FZ74ASS536FW97EX38NKCZQL",
      .type = line_event_type::message,
      .type_name = "message",
      .timestamp_ms = 1462629479860,
      .redelivery = true,
      .source_type = "group",
      .source_user_id = "U4af4980629",
      .message_type = "text",
      .message_id = "325709",
      .text = "@All おはよう"}},
    {"text in a room from a user without a userId",
     R"({"type":"message","timestamp":1462629479861,"source":{"type":"room","roomId":"Ra8dbf4673c"},
         "webhookEventId":"W-room","message":{"id":"325710","type":"text","text":"hi"}})",
     {.webhook_event_id = "W-room",
      .type = line_event_type::message,
      .type_name = "message",
      .timestamp_ms = 1462629479861,
      .source_type = "room",
      .message_type = "text",
      .message_id = "325710",
      .text = "hi"}},
    {"standby mode",
     R"({"type":"message","mode":"standby","timestamp":1462629479862,"webhookEventId":"W-standby",
         "source":{"type":"user","userId":"U1"},"message":{"id":"1","type":"text","text":"Stand by me"}})",
     {.webhook_event_id = "W-standby",
      .type = line_event_type::message,
      .type_name = "message",
      .mode = line_event_mode::standby,
      .timestamp_ms = 1462629479862,
      .source_type = "user",
      .source_user_id = "U1",
      .message_type = "text",
      .message_id = "1",
      .text = "Stand by me"}},
    {"mode is case-sensitive; anything but standby is active",
     R"({"type":"message","mode":"STANDBY","timestamp":1,"webhookEventId":"W-mode",
         "message":{"id":"1","type":"text","text":"x"}})",
     {.webhook_event_id = "W-mode",
      .type = line_event_type::message,
      .type_name = "message",
      .timestamp_ms = 1,
      .message_type = "text",
      .message_id = "1",
      .text = "x"}},
    {"image with a stray text field keeps no text",
     R"({"type":"message","timestamp":1462629479863,"webhookEventId":"W-image","replyToken":"rt-i",
         "source":{"type":"user","userId":"U1"},
         "message":{"id":"354718","type":"image","text":"not a caption",
                    "contentProvider":{"type":"line"},"imageSet":{"id":"E005","index":1,"total":2}}})",
     {.webhook_event_id = "W-image",
      .type = line_event_type::message,
      .type_name = "message",
      .timestamp_ms = 1462629479863,
      .source_type = "user",
      .source_user_id = "U1",
      .reply_token = "rt-i",
      .message_type = "image",
      .message_id = "354718"}},
    {"sticker without a message id",
     R"({"type":"message","timestamp":1462629479864,"webhookEventId":"W-sticker",
         "source":{"type":"user","userId":"U1"},
         "message":{"type":"sticker","packageId":"1","stickerId":"1","stickerResourceType":"STATIC"}})",
     {.webhook_event_id = "W-sticker",
      .type = line_event_type::message,
      .type_name = "message",
      .timestamp_ms = 1462629479864,
      .source_type = "user",
      .source_user_id = "U1",
      .message_type = "sticker"}},
    {"location carries no text",
     R"({"type":"message","timestamp":1462629479865,"webhookEventId":"W-location",
         "message":{"id":"325711","type":"location","title":"my location","address":"山形県",
                    "latitude":38.2554,"longitude":140.3396}})",
     {.webhook_event_id = "W-location",
      .type = line_event_type::message,
      .type_name = "message",
      .timestamp_ms = 1462629479865,
      .message_type = "location",
      .message_id = "325711"}},
    {"message fields of the wrong JSON types read as empty",
     R"({"type":"message","timestamp":1462629479866,"webhookEventId":"W-types","replyToken":null,
         "source":{"type":"user","userId":12345},"deliveryContext":{"isRedelivery":"true"},
         "message":{"id":325712,"type":"text","text":["x"]}})",
     {.webhook_event_id = "W-types",
      .type = line_event_type::message,
      .type_name = "message",
      .timestamp_ms = 1462629479866,
      .source_type = "user",
      .message_type = "text"}},
    {"message that is not an object",
     R"({"type":"message","timestamp":1462629479867,"webhookEventId":"W-msgstr","source":[],
         "deliveryContext":true,"message":"hello"})",
     {.webhook_event_id = "W-msgstr",
      .type = line_event_type::message,
      .type_name = "message",
      .timestamp_ms = 1462629479867}},
    {"no source at all",
     R"({"type":"message","timestamp":1462629479868,"webhookEventId":"W-nosource",
         "message":{"id":"2","type":"text","text":"who?"}})",
     {.webhook_event_id = "W-nosource",
      .type = line_event_type::message,
      .type_name = "message",
      .timestamp_ms = 1462629479868,
      .message_type = "text",
      .message_id = "2",
      .text = "who?"}},

    // Timestamps: LINE's integer milliseconds, anything else is 0.
    {"no timestamp",
     R"({"type":"follow","webhookEventId":"W-ts-none","source":{"type":"user","userId":"U1"}})",
     {.webhook_event_id = "W-ts-none",
      .type = line_event_type::follow,
      .type_name = "follow",
      .source_type = "user",
      .source_user_id = "U1"}},
    {"timestamp as a string",
     R"({"type":"follow","timestamp":"1462629479859","webhookEventId":"W-ts-string"})",
     {.webhook_event_id = "W-ts-string", .type = line_event_type::follow, .type_name = "follow"}},
    {"timestamp with a fraction",
     R"({"type":"follow","timestamp":1462629479859.5,"webhookEventId":"W-ts-fraction"})",
     {.webhook_event_id = "W-ts-fraction", .type = line_event_type::follow, .type_name = "follow"}},
    {"timestamp with a zero fraction",
     R"({"type":"follow","timestamp":1462629479859.0,"webhookEventId":"W-ts-point-zero"})",
     {.webhook_event_id = "W-ts-point-zero", .type = line_event_type::follow, .type_name = "follow"}},
    {"timestamp in exponent form",
     R"({"type":"follow","timestamp":1.462629479859e12,"webhookEventId":"W-ts-exponent"})",
     {.webhook_event_id = "W-ts-exponent", .type = line_event_type::follow, .type_name = "follow"}},
    {"timestamp beyond 64 bits signed",
     R"({"type":"follow","timestamp":9223372036854775808,"webhookEventId":"W-ts-huge"})",
     {.webhook_event_id = "W-ts-huge", .type = line_event_type::follow, .type_name = "follow"}},
    {"timestamp beyond a double's range is stored as null",
     R"({"type":"follow","timestamp":1.7e812,"webhookEventId":"W-ts-infinite","x":[-1e999]})",
     {.webhook_event_id = "W-ts-infinite", .type = line_event_type::follow, .type_name = "follow"}},
    {"timestamp null",
     R"({"type":"follow","timestamp":null,"webhookEventId":"W-ts-null"})",
     {.webhook_event_id = "W-ts-null", .type = line_event_type::follow, .type_name = "follow"}},
    {"negative integer timestamp reads as 0 (and is stale)",
     R"({"type":"follow","timestamp":-1,"webhookEventId":"W-ts-negative"})",
     {.webhook_event_id = "W-ts-negative", .type = line_event_type::follow, .type_name = "follow"}},
    {"timestamp after the year 9999 reads as 0 (PostgreSQL could not store it)",
     R"({"type":"follow","timestamp":9000000000000000000,"webhookEventId":"W-ts-far"})",
     {.webhook_event_id = "W-ts-far", .type = line_event_type::follow, .type_name = "follow"}},
    {"the last millisecond of the year 9999 is kept",
     R"({"type":"follow","timestamp":253402300799999,"webhookEventId":"W-ts-last"})",
     {.webhook_event_id = "W-ts-last",
      .type = line_event_type::follow,
      .type_name = "follow",
      .timestamp_ms = 253402300799999}},

    // Event ids: a missing or unusable webhookEventId is derived from the stored bytes.
    {"no webhookEventId",
     R"({"type":"message","mode":"standby","timestamp":1700000002000,
         "source":{"type":"user","userId":"U1"},"message":{"id":"3","type":"sticker"}})",
     {.webhook_event_id = derived,
      .type = line_event_type::message,
      .type_name = "message",
      .mode = line_event_mode::standby,
      .timestamp_ms = 1700000002000,
      .source_type = "user",
      .source_user_id = "U1",
      .message_type = "sticker",
      .message_id = "3"}},
    {"empty webhookEventId",
     R"({"type":"follow","timestamp":1700000002001,"webhookEventId":""})",
     {.webhook_event_id = derived,
      .type = line_event_type::follow,
      .type_name = "follow",
      .timestamp_ms = 1700000002001}},
    {"numeric webhookEventId",
     R"({"type":"follow","timestamp":1700000002002,"webhookEventId":42})",
     {.webhook_event_id = derived,
      .type = line_event_type::follow,
      .type_name = "follow",
      .timestamp_ms = 1700000002002}},

    // Every other event type.
    {"follow after unblocking",
     R"({"replyToken":"rt-f","type":"follow","mode":"active","timestamp":1462629479870,
         "source":{"type":"user","userId":"U1"},"webhookEventId":"W-follow",
         "deliveryContext":{"isRedelivery":false},"follow":{"isUnblocked":true}})",
     {.webhook_event_id = "W-follow",
      .type = line_event_type::follow,
      .type_name = "follow",
      .timestamp_ms = 1462629479870,
      .source_type = "user",
      .source_user_id = "U1",
      .reply_token = "rt-f"}},
    {"unfollow",
     R"({"type":"unfollow","mode":"active","timestamp":1462629479871,
         "source":{"type":"user","userId":"U1"},"webhookEventId":"W-unfollow"})",
     {.webhook_event_id = "W-unfollow",
      .type = line_event_type::unfollow,
      .type_name = "unfollow",
      .timestamp_ms = 1462629479871,
      .source_type = "user",
      .source_user_id = "U1"}},
    {"unsend in a group",
     R"({"type":"unsend","mode":"active","timestamp":1462629479872,
         "source":{"type":"group","groupId":"Ca56f","userId":"U4af"},"webhookEventId":"W-unsend",
         "unsend":{"messageId":"325708"}})",
     {.webhook_event_id = "W-unsend",
      .type = line_event_type::unsend,
      .type_name = "unsend",
      .timestamp_ms = 1462629479872,
      .source_type = "group",
      .source_user_id = "U4af",
      .message_id = "325708"}},
    {"unsend.messageId wins over a message id",
     R"({"type":"unsend","timestamp":1462629479873,"webhookEventId":"W-unsend2",
         "message":{"id":"999","type":"text","text":"t"},"unsend":{"messageId":"325709"}})",
     {.webhook_event_id = "W-unsend2",
      .type = line_event_type::unsend,
      .type_name = "unsend",
      .timestamp_ms = 1462629479873,
      .message_type = "text",
      .message_id = "325709",
      .text = "t"}},
    {"unsend without a messageId",
     R"({"type":"unsend","timestamp":1462629479874,"webhookEventId":"W-unsend3","unsend":{}})",
     {.webhook_event_id = "W-unsend3",
      .type = line_event_type::unsend,
      .type_name = "unsend",
      .timestamp_ms = 1462629479874}},
    {"join a group",
     R"({"replyToken":"rt-j","type":"join","timestamp":1462629479875,
         "source":{"type":"group","groupId":"C4af"},"webhookEventId":"W-join"})",
     {.webhook_event_id = "W-join",
      .type = line_event_type::join,
      .type_name = "join",
      .timestamp_ms = 1462629479875,
      .source_type = "group",
      .reply_token = "rt-j"}},
    {"leave a room",
     R"({"type":"leave","timestamp":1462629479876,"source":{"type":"room","roomId":"R4af"},
         "webhookEventId":"W-leave"})",
     {.webhook_event_id = "W-leave",
      .type = line_event_type::leave,
      .type_name = "leave",
      .timestamp_ms = 1462629479876,
      .source_type = "room"}},
    {"members joined",
     R"({"replyToken":"rt-mj","type":"memberJoined","timestamp":1462629479877,
         "source":{"type":"group","groupId":"C4af"},"webhookEventId":"W-mj",
         "joined":{"members":[{"type":"user","userId":"U4af"},{"type":"user","userId":"U91e"}]}})",
     {.webhook_event_id = "W-mj",
      .type = line_event_type::member_joined,
      .type_name = "memberJoined",
      .timestamp_ms = 1462629479877,
      .source_type = "group",
      .reply_token = "rt-mj"}},
    {"members left",
     R"({"type":"memberLeft","timestamp":1462629479878,"source":{"type":"room","roomId":"R4af"},
         "webhookEventId":"W-ml","left":{"members":[{"type":"user","userId":"U4af"}]}})",
     {.webhook_event_id = "W-ml",
      .type = line_event_type::member_left,
      .type_name = "memberLeft",
      .timestamp_ms = 1462629479878,
      .source_type = "room"}},
    {"postback with a date",
     R"({"replyToken":"rt-p","type":"postback","timestamp":1462629479879,
         "source":{"type":"user","userId":"U1"},"webhookEventId":"W-pb-date",
         "postback":{"data":"action=sel&only=date","params":{"date":"2017-09-03"}}})",
     {.webhook_event_id = "W-pb-date",
      .type = line_event_type::postback,
      .type_name = "postback",
      .timestamp_ms = 1462629479879,
      .source_type = "user",
      .source_user_id = "U1",
      .reply_token = "rt-p",
      .postback_data = "action=sel&only=date"}},
    {"postback from a rich menu switch",
     R"({"type":"postback","timestamp":1462629479880,"source":{"type":"user","userId":"U1"},
         "webhookEventId":"W-pb-menu","postback":{"data":"action=richmenu-changed-to-a",
         "params":{"newRichMenuAliasId":"richmenu-alias-a","status":"SUCCESS"}}})",
     {.webhook_event_id = "W-pb-menu",
      .type = line_event_type::postback,
      .type_name = "postback",
      .timestamp_ms = 1462629479880,
      .source_type = "user",
      .source_user_id = "U1",
      .postback_data = "action=richmenu-changed-to-a"}},
    {"postback with data of the wrong type",
     R"({"type":"postback","timestamp":1462629479881,"webhookEventId":"W-pb-bad","postback":{"data":7}})",
     {.webhook_event_id = "W-pb-bad",
      .type = line_event_type::postback,
      .type_name = "postback",
      .timestamp_ms = 1462629479881}},
    {"video play complete",
     R"({"replyToken":"rt-v","type":"videoPlayComplete","timestamp":1462629479882,
         "source":{"type":"user","userId":"U1"},"webhookEventId":"W-vpc",
         "videoPlayComplete":{"trackingId":"track_id"}})",
     {.webhook_event_id = "W-vpc",
      .type = line_event_type::video_play_complete,
      .type_name = "videoPlayComplete",
      .timestamp_ms = 1462629479882,
      .source_type = "user",
      .source_user_id = "U1",
      .reply_token = "rt-v"}},
    {"beacon",
     R"({"replyToken":"rt-b","type":"beacon","timestamp":1462629479883,
         "source":{"type":"user","userId":"U1"},"webhookEventId":"W-beacon",
         "beacon":{"hwid":"374591320","type":"enter","dm":"1234567890abcdef"}})",
     {.webhook_event_id = "W-beacon",
      .type = line_event_type::beacon,
      .type_name = "beacon",
      .timestamp_ms = 1462629479883,
      .source_type = "user",
      .source_user_id = "U1",
      .reply_token = "rt-b"}},
    {"account link",
     R"({"replyToken":"rt-a","type":"accountLink","timestamp":1462629479884,
         "source":{"type":"user","userId":"U1"},"webhookEventId":"W-link",
         "link":{"result":"ok","nonce":"xxxxxxxxxxxxxxx"}})",
     {.webhook_event_id = "W-link",
      .type = line_event_type::account_link,
      .type_name = "accountLink",
      .timestamp_ms = 1462629479884,
      .source_type = "user",
      .source_user_id = "U1",
      .reply_token = "rt-a"}},
    {"things",
     R"({"type":"things","timestamp":1462629479885,"source":{"type":"user","userId":"U1"},
         "webhookEventId":"W-things","things":{"deviceId":"t2c449c9d1","type":"link"}})",
     {.webhook_event_id = "W-things",
      .type = line_event_type::things,
      .type_name = "things",
      .timestamp_ms = 1462629479885,
      .source_type = "user",
      .source_user_id = "U1"}},
    {"module attached",
     R"({"type":"module","timestamp":1462629479886,"source":{"type":"user","userId":"U1"},
         "webhookEventId":"W-module","module":{"type":"attached","botId":"U5","scopes":["message:send"]}})",
     {.webhook_event_id = "W-module",
      .type = line_event_type::module,
      .type_name = "module",
      .timestamp_ms = 1462629479886,
      .source_type = "user",
      .source_user_id = "U1"}},
    {"activated, without a source",
     R"({"type":"activated","timestamp":1462629479887,"webhookEventId":"W-activated",
         "chatControl":{"expireAt":1462629479887}})",
     {.webhook_event_id = "W-activated",
      .type = line_event_type::activated,
      .type_name = "activated",
      .timestamp_ms = 1462629479887}},
    {"deactivated",
     R"({"type":"deactivated","timestamp":1462629479888,"webhookEventId":"W-deactivated"})",
     {.webhook_event_id = "W-deactivated",
      .type = line_event_type::deactivated,
      .type_name = "deactivated",
      .timestamp_ms = 1462629479888}},
    {"bot suspended",
     R"({"type":"botSuspended","mode":"active","timestamp":1462629479889,"webhookEventId":"W-susp"})",
     {.webhook_event_id = "W-susp",
      .type = line_event_type::bot_suspended,
      .type_name = "botSuspended",
      .timestamp_ms = 1462629479889}},
    {"bot resumed",
     R"({"type":"botResumed","mode":"active","timestamp":1462629479890,"webhookEventId":"W-resumed"})",
     {.webhook_event_id = "W-resumed",
      .type = line_event_type::bot_resumed,
      .type_name = "botResumed",
      .timestamp_ms = 1462629479890}},

    // Types LINE added later, or will add: stored as unknown with what they share with known ones.
    {"membership joined",
     R"({"replyToken":"rt-ms","type":"membership","mode":"active","timestamp":1462629479891,
         "source":{"type":"user","userId":"U1"},"webhookEventId":"W-membership",
         "membership":{"type":"joined","membershipId":3189}})",
     {.webhook_event_id = "W-membership",
      .type = line_event_type::unknown,
      .type_name = "membership",
      .timestamp_ms = 1462629479891,
      .source_type = "user",
      .source_user_id = "U1",
      .reply_token = "rt-ms"}},
    {"membership renewed",
     R"({"type":"membership","timestamp":1462629479892,"source":{"type":"user","userId":"U1"},
         "webhookEventId":"W-renewed","membership":{"type":"renewed","membershipId":3189}})",
     {.webhook_event_id = "W-renewed",
      .type = line_event_type::unknown,
      .type_name = "membership",
      .timestamp_ms = 1462629479892,
      .source_type = "user",
      .source_user_id = "U1"}},
    {"an edited text message",
     R"({"type":"messageEdited","timestamp":1462629479893,"source":{"type":"user","userId":"U1"},
         "webhookEventId":"W-edited","message":{"id":"325708","type":"text","text":"edited"}})",
     {.webhook_event_id = "W-edited",
      .type = line_event_type::unknown,
      .type_name = "messageEdited",
      .timestamp_ms = 1462629479893,
      .source_type = "user",
      .source_user_id = "U1",
      .message_type = "text",
      .message_id = "325708",
      .text = "edited"}},
    {"an unknown type with nothing else",
     R"({"type":"UNKNOWN","great":"new-field"})",
     {.webhook_event_id = derived, .type = line_event_type::unknown, .type_name = "UNKNOWN"}},

    // Events that cannot map: intake refuses the request, re-read records the row and skips it.
    {"no type",
     R"({"timestamp":1462629479894,"webhookEventId":"W-notype"})",
     {},
     webhook_error::event_without_type,
     "payload has no event type"},
    {"type of the wrong JSON type",
     R"({"type":7,"webhookEventId":"W-type7"})",
     {},
     webhook_error::event_without_type,
     "payload has no event type"},
    {"empty type",
     R"({"type":"","webhookEventId":"W-typeempty"})",
     {},
     webhook_error::event_without_type,
     "payload has no event type"},
    {"an event that is not an object",
     R"(["type","message"])",
     {},
     webhook_error::event_not_object,
     "payload is not a JSON object"},
};
#pragma GCC diagnostic pop

std::string request_with(const std::string& event) {
  return R"({"destination":"Ubot0000000000000000000000000000","events":[)" + event + "]}";
}

void expect_same(const line_event& got, const line_event& want) {
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.type_name, want.type_name);
  EXPECT_EQ(got.mode, want.mode);
  EXPECT_EQ(got.timestamp_ms, want.timestamp_ms);
  EXPECT_EQ(got.redelivery, want.redelivery);
  EXPECT_EQ(got.source_type, want.source_type);
  EXPECT_EQ(got.source_user_id, want.source_user_id);
  EXPECT_EQ(got.reply_token, want.reply_token);
  EXPECT_EQ(got.message_type, want.message_type);
  EXPECT_EQ(got.message_id, want.message_id);
  EXPECT_EQ(got.text, want.text);
  EXPECT_EQ(got.postback_data, want.postback_data);
}

void expect_identical(const line_event& got, const line_event& want) {
  expect_same(got, want);
  EXPECT_EQ(got.webhook_event_id, want.webhook_event_id);
  EXPECT_EQ(got.raw_json, want.raw_json);
}

line_event reread(const std::string& payload) {
  return storage::detail::parse_stored_event(payload);
}

TEST(line_event_mapping, intake_and_reread_give_the_expected_event) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const webhook_parse_result intake = parse_webhook(request_with(c.json));
    if (c.refused != webhook_error::none) {
      EXPECT_EQ(intake.error, c.refused);
      EXPECT_TRUE(intake.events.empty());
      try {
        (void)reread(c.json);
        ADD_FAILURE() << "re-read mapped an event that cannot map";
      } catch (const storage::detail::unusable_event& e) {
        EXPECT_STREQ(e.what(), c.unusable);
      }
      continue;
    }
    ASSERT_TRUE(intake.ok()) << intake.message;
    ASSERT_EQ(intake.events.size(), 1u);
    const line_event& arrived = intake.events.front();
    expect_same(arrived, c.want);
    if (c.want.webhook_event_id == derived) {
      EXPECT_EQ(arrived.webhook_event_id.rfind(derived, 0), 0u);
      EXPECT_EQ(arrived.webhook_event_id.size(), 7u + 64u);
    } else {
      EXPECT_EQ(arrived.webhook_event_id, c.want.webhook_event_id);
    }
    // What storage keeps is the event object, re-serialised (compact, whatever the spacing was).
    EXPECT_EQ(arrived.raw_json.front(), '{');
    EXPECT_EQ(arrived.raw_json.find('\n'), std::string::npos);

    // The inbox maps the stored payload back: the very same event, derived id included.
    expect_identical(reread(arrived.raw_json), arrived);
  }
}

// The derived id is the SHA-256 of the stored bytes, so it can be recomputed from the payload alone.
TEST(line_event_mapping, derived_id_is_the_sha256_of_the_stored_object) {
  const auto intake = parse_webhook(request_with(R"({ "type" : "follow" })"));
  ASSERT_EQ(intake.events.size(), 1u);
  EXPECT_EQ(intake.events[0].raw_json, R"({"type":"follow"})");
  // printf '%s' '{"type":"follow"}' | sha256sum
  EXPECT_EQ(intake.events[0].webhook_event_id,
            "sha256:dff2189cfc0f6b1548f8eefca26d4ae78706fd548c242fb171fe4fe07f1af95a");
  EXPECT_EQ(reread(R"({"type":"follow"})").webhook_event_id, intake.events[0].webhook_event_id);
}

// The parser reads a number beyond a double's range as infinity, which has no JSON spelling.
TEST(line_event_mapping, infinite_numbers_are_stored_as_null) {
  const auto intake = parse_webhook(request_with(R"({"type":"follow","timestamp":1e999,"x":[-1e999,1]})"));
  ASSERT_TRUE(intake.ok()) << intake.message;
  EXPECT_EQ(intake.events[0].raw_json, R"({"type":"follow","timestamp":null,"x":[null,1]})");
}

TEST(line_event_mapping, unusable_payloads_are_reported_without_quoting_them) {
  const struct {
    const char* payload;
    const char* reason;
  } unusable[] = {
      {"", "payload is not valid JSON"},
      {"this is not json", "payload is not valid JSON"},
      {R"({"type":"follow"} trailing)", "payload is not valid JSON"},
      {"{\"type\":\"message\",\"x\":\"\xff\"}", "payload is not valid JSON"},
      {"42", "payload is not a JSON object"},
      {"null", "payload is not a JSON object"},
  };
  for (const auto& u : unusable) {
    SCOPED_TRACE(u.payload);
    EXPECT_THROW(
        {
          try {
            (void)reread(u.payload);
          } catch (const storage::detail::unusable_event& e) {
            EXPECT_STREQ(e.what(), u.reason);
            throw;
          }
        },
        storage::detail::unusable_event);
  }
}

TEST(line_event_mapping, deep_payloads_are_refused_not_recursed) {
  std::string deep = R"({"type":"message","x":)";
  deep += std::string(100000, '[');
  deep += std::string(100000, ']');
  deep += "}";
  EXPECT_EQ(storage::line_event_from_json(deep).error, storage::line_event_json_error::not_json);
}

// Every recorded webhook in the payload folder: each of its events reads back as it arrived.
TEST(line_event_mapping, recorded_payloads_read_back_as_they_arrived) {
  std::size_t mapped = 0;
  for (const auto& entry : std::filesystem::directory_iterator(YORISOI_PAYLOAD_DIR)) {
    SCOPED_TRACE(entry.path().filename().string());
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    const auto intake = parse_webhook(body.str());
    if (!intake.ok()) {
      continue;  // payloads that exist to be refused
    }
    for (const auto& event : intake.events) {
      expect_identical(reread(event.raw_json), event);
      ++mapped;
    }
  }
  EXPECT_GT(mapped, 20u);
}

}  // namespace
}  // namespace yorisoi::gateway
