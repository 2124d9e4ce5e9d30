#pragma once
// What the resident reads when a counsellor proposes a referral, and the postback data its buttons
// carry. Pure; thread-safe.
//
// The message says in plain Japanese *what* will be shared (the summary, word for word, and the
// category labels) and *with whom* (the units by name), that nothing else is shared, and that consent can be
// withdrawn later. The buttons are 同意する / 同意しない. The text may exceed the 160/240 characters LINE
// allows in buttons/confirm templates, so the gateway sends it as a text message with the actions attached
// (quick reply or a flex bubble); each label fits LINE's 20-character limit.
//
// Postback data is `yc1:<action>:<token>` — short (LINE allows 300 bytes), versioned, and carrying
// only an opaque token that storage maps to the consent, never a referral id or resident data.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::routing {

enum class consent_answer { grant, decline, withdraw };

struct consent_postback {
  consent_answer answer = consent_answer::grant;
  std::string token;

  friend bool operator==(const consent_postback&, const consent_postback&) = default;
};

struct postback_button {
  std::string label;         // shown on the button
  std::string display_text;  // what appears in the chat as the resident's message when tapped
  std::string data;          // postback data
};

struct consent_request_message {
  std::string text;
  std::vector<postback_button> buttons;  // 同意する, then 同意しない
};

// A token is 16–64 characters of [A-Za-z0-9_-] (base64url of random bytes, made by storage).
[[nodiscard]] bool is_valid_consent_token(std::string_view token) noexcept;

// What the resident is asked about. The request names everything a recipient will see of the
// consultation (referral_disclosure.hpp): the summary and the category labels.
struct consent_request_input {
  std::string summary;                       // word for word as the recipients will read it
  std::vector<std::string> unit_names;       // non-empty; names from the tenant's config
  std::vector<std::string> category_labels;  // the labels shared with the referral; may be empty
  std::string token;                         // precondition: is_valid_consent_token
  int valid_hours = 0;                       // > 0 is said in the text; 0 leaves the deadline out
};

[[nodiscard]] consent_request_message build_consent_request(const consent_request_input& input);

// The button that lets the resident withdraw later (sent with the confirmation of a grant).
[[nodiscard]] postback_button withdraw_button(std::string_view token);

[[nodiscard]] std::string postback_data(consent_answer answer, std::string_view token);

// Strict: anything but exactly `yc1:grant|decline|withdraw:<valid token>` is nullopt.
[[nodiscard]] std::optional<consent_postback> parse_consent_postback(std::string_view data);

}  // namespace yorisoi::routing
