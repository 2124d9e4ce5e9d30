#include "inbox/line_messages.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace yorisoi::storage::detail {
namespace {

namespace json = boost::json;

json::object quick_reply_item(const std::string& choice) {
  json::object action;
  action["type"] = "postback";
  action["label"] = choice;
  action["data"] = std::string(age_band_postback_prefix) + choice;
  action["displayText"] = choice;
  json::object item;
  item["type"] = "action";
  item["action"] = std::move(action);
  return item;
}

}  // namespace

std::string_view kind_name(routing::auto_answer_kind kind) noexcept {
  switch (kind) {
    case routing::auto_answer_kind::greeting:
      return "greeting";
    case routing::auto_answer_kind::off_hours:
      return "off_hours";
    case routing::auto_answer_kind::out_of_service:
      return "out_of_service";
    case routing::auto_answer_kind::crisis:
      return "crisis";
    case routing::auto_answer_kind::age_question:
      return "age_question";
  }
  return "unknown";
}

std::string line_messages_json(const std::vector<routing::auto_answer>& answers) {
  json::array messages;
  for (const routing::auto_answer& answer : answers) {
    json::object message;
    message["type"] = "text";
    message["text"] = answer.text;
    if (!answer.quick_replies.empty()) {
      json::array items;
      for (const std::string& choice : answer.quick_replies) {
        items.push_back(quick_reply_item(choice));
      }
      json::object quick_reply;
      quick_reply["items"] = std::move(items);
      message["quickReply"] = std::move(quick_reply);
    }
    messages.push_back(std::move(message));
  }
  return json::serialize(messages);
}

std::optional<std::string> age_band_of_postback(std::string_view data,
                                                const std::vector<std::string>& bands) {
  if (!data.starts_with(age_band_postback_prefix)) {
    return std::nullopt;
  }
  const std::string_view band = data.substr(age_band_postback_prefix.size());
  // Only a band the tenant offers: postback data comes from the resident's client and is untrusted.
  if (std::find(bands.begin(), bands.end(), band) == bands.end()) {
    return std::nullopt;
  }
  return std::string(band);
}

}  // namespace yorisoi::storage::detail
