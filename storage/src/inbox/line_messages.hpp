#pragma once
// Automatic answers as LINE message objects, and the postback data they ask residents to send back.
//
// The outbox stores what LINE receives: a JSON array of message objects (a reply or push carries at
// most five; an event's answers are at most three). The age question is a text message with quick
// reply buttons whose postback data names the band. Pure functions; safe from any thread.

#include "yorisoi/routing/inbound.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::storage::detail {

// The postback data of an age-band button is this prefix followed by the band, e.g. "yorisoi:age_band=20代".
inline constexpr std::string_view age_band_postback_prefix = "yorisoi:age_band=";

// "greeting", "off_hours", "out_of_service", "crisis", "age_question".
[[nodiscard]] std::string_view kind_name(routing::auto_answer_kind kind) noexcept;

// One text message per answer, in order; quick replies become postback actions (label and display
// text = the choice, data = age_band_postback_prefix + the choice).
[[nodiscard]] std::string line_messages_json(const std::vector<routing::auto_answer>& answers);

// The band named by an age-band postback, if `data` is one and the band is one of `bands`.
[[nodiscard]] std::optional<std::string> age_band_of_postback(std::string_view data,
                                                              const std::vector<std::string>& bands);

}  // namespace yorisoi::storage::detail
