#include "yorisoi/routing/consent_request.hpp"

#include <array>
#include <string>
#include <utility>

namespace yorisoi::routing {

namespace {

constexpr std::string_view prefix = "yc1:";

constexpr std::array<std::pair<consent_answer, std::string_view>, 3> answer_names{{
    {consent_answer::grant, "grant"},
    {consent_answer::decline, "decline"},
    {consent_answer::withdraw, "withdraw"},
}};

std::string_view name_of(consent_answer answer) noexcept {
  for (const auto& [a, name] : answer_names) {
    if (a == answer) {
      return name;
    }
  }
  return "grant";
}

bool is_token_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::string joined(const std::vector<std::string>& items, bool quoted) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) {
      out += "、";
    }
    out += quoted ? "「" + item + "」" : item;
  }
  return out;
}

}  // namespace

bool is_valid_consent_token(std::string_view token) noexcept {
  if (token.size() < 16 || token.size() > 64) {
    return false;
  }
  for (const char c : token) {
    if (!is_token_char(c)) {
      return false;
    }
  }
  return true;
}

std::string postback_data(consent_answer answer, std::string_view token) {
  std::string out{prefix};
  out += name_of(answer);
  out += ':';
  out += token;
  return out;
}

consent_request_message build_consent_request(const consent_request_input& input) {
  // Plain words, short sentences: the resident may be in distress and reads this on a phone.
  std::string text = "あなたの相談について、次の窓口にお伝えしてもよいか確認させてください。\n\n";
  text += "【伝える先】\n" + joined(input.unit_names, true) + "\n\n";
  text += "【伝える内容】\n" + input.summary + "\n";
  if (!input.category_labels.empty()) {
    text += "相談の分類：" + joined(input.category_labels, false) + "\n";
  }
  text += "\nこれ以外のこと（やりとりの全文やLINEのアカウントなど）はお伝えしません。\n";
  text += "同意しなくても、これまでどおり相談を続けられます。\n";
  text += "同意したあとでも、いつでも取り消すことができます。";
  if (input.valid_hours > 0) {
    text += "\nこの確認は" + std::to_string(input.valid_hours) + "時間有効です。";
  }
  consent_request_message message;
  message.text = std::move(text);
  message.buttons.push_back({"同意する", "同意する", postback_data(consent_answer::grant, input.token)});
  message.buttons.push_back(
      {"同意しない", "同意しない", postback_data(consent_answer::decline, input.token)});
  return message;
}

postback_button withdraw_button(std::string_view token) {
  return {"同意を取り消す", "同意を取り消します", postback_data(consent_answer::withdraw, token)};
}

std::optional<consent_postback> parse_consent_postback(std::string_view data) {
  if (!data.starts_with(prefix)) {
    return std::nullopt;
  }
  data.remove_prefix(prefix.size());
  const auto colon = data.find(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view action = data.substr(0, colon);
  const std::string_view token = data.substr(colon + 1);
  if (!is_valid_consent_token(token)) {
    return std::nullopt;
  }
  for (const auto& [answer, name] : answer_names) {
    if (name == action) {
      return consent_postback{answer, std::string{token}};
    }
  }
  return std::nullopt;
}

}  // namespace yorisoi::routing
