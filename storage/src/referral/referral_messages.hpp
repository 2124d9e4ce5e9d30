#pragma once
// The LINE messages of referrals, as the outbox stores them (a JSON array of message objects): the
// consent request (the full text, then a confirm template with 同意する / 同意しない) and the short
// acknowledgements of the resident's answer. Pure functions; safe from any thread.

#include "yorisoi/routing/consent_request.hpp"

#include <string>

namespace yorisoi::storage::detail {

// Two messages: the text (up to 5000 characters) and a confirm template whose buttons carry the
// postback data (LINE limits a confirm template's text to 240 characters, so it only asks).
[[nodiscard]] std::string consent_request_json(const routing::consent_request_message& message);

// The acknowledgement sent after a postback answer; a grant also offers the withdraw button.
[[nodiscard]] std::string consent_ack_json(routing::consent_answer answer, const std::string& token);

// The acknowledgement's plain text (also stored in the transcript).
[[nodiscard]] std::string consent_ack_text(routing::consent_answer answer);

}  // namespace yorisoi::storage::detail
