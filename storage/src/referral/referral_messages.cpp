#include "referral/referral_messages.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace yorisoi::storage::detail {
namespace {

namespace json = boost::json;

json::object postback_action(const routing::postback_button& button) {
  json::object action;
  action["type"] = "postback";
  action["label"] = button.label;
  action["data"] = button.data;
  action["displayText"] = button.display_text;
  return action;
}

}  // namespace

std::string consent_request_json(const routing::consent_request_message& message) {
  json::object text;
  text["type"] = "text";
  text["text"] = message.text;
  json::array actions;
  for (const auto& button : message.buttons) {
    actions.push_back(postback_action(button));
  }
  json::object tmpl;
  tmpl["type"] = "confirm";
  tmpl["text"] = "上の内容をお伝えしてもよいですか？";
  tmpl["actions"] = std::move(actions);
  json::object confirm;
  confirm["type"] = "template";
  confirm["altText"] = "お伝えしてもよいか確認させてください（同意する／同意しない）";
  confirm["template"] = std::move(tmpl);
  return json::serialize(json::array{text, confirm});
}

std::string consent_ack_text(routing::consent_answer answer) {
  switch (answer) {
    case routing::consent_answer::grant:
      return "同意をありがとうございます。お伝えした内容で窓口に連絡します。取り消したいときは下のボタンを押"
             "してください。";
    case routing::consent_answer::decline:
      return "承知しました。窓口にはお伝えしません。これまでどおり相談を続けられます。";
    case routing::consent_answer::withdraw:
      return "同意を取り消しました。窓口にはこれ以上お伝えしません。これまでどおり相談を続けられます。";
  }
  return {};
}

std::string consent_ack_json(routing::consent_answer answer, const std::string& token) {
  json::object text;
  text["type"] = "text";
  text["text"] = consent_ack_text(answer);
  if (answer == routing::consent_answer::grant) {
    json::object item;
    item["type"] = "action";
    item["action"] = postback_action(routing::withdraw_button(token));
    json::object quick_reply;
    quick_reply["items"] = json::array{item};
    text["quickReply"] = std::move(quick_reply);
  }
  return json::serialize(json::array{text});
}

}  // namespace yorisoi::storage::detail
