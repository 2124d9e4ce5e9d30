#include "yorisoi/gateway/line_outcome.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace yorisoi::gateway {
namespace json = boost::json;

namespace {

constexpr std::size_t max_error_length = 500;

// LINE's error body: {"message": "...", "details": [{"message": "...", "property": "..."}]}. The
// texts name fields and limits, never the user's data, so they can be stored and shown.
std::string line_error_text(const line_answer& answer) {
  std::string text;
  boost::system::error_code ec;
  const json::value parsed = json::parse(answer.body, ec);
  if (!ec && parsed.is_object()) {
    const auto& obj = parsed.get_object();
    if (const auto* message = obj.if_contains("message"); message != nullptr && message->is_string()) {
      text = std::string(message->get_string());
    }
    if (const auto* details = obj.if_contains("details"); details != nullptr && details->is_array()) {
      for (const auto& detail : details->get_array()) {
        if (!detail.is_object()) {
          continue;
        }
        const auto* what = detail.get_object().if_contains("message");
        const auto* where = detail.get_object().if_contains("property");
        text += text.empty() ? "" : "; ";
        if (where != nullptr && where->is_string()) {
          text += std::string(where->get_string()) + ": ";
        }
        if (what != nullptr && what->is_string()) {
          text += std::string(what->get_string());
        }
      }
    }
  }
  if (text.empty()) {
    text = "HTTP " + std::to_string(answer.status);
  }
  if (text.size() > max_error_length) {
    text.resize(max_error_length);
  }
  return text;
}

bool says_invalid_reply_token(std::string_view error) {
  std::string lower(error);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("reply token") != std::string::npos;
}

}  // namespace

std::string_view to_string(line_call call) noexcept {
  switch (call) {
    case line_call::reply:
      return "reply";
    case line_call::push:
      return "push";
  }
  return "push";
}

std::string_view to_string(send_outcome outcome) noexcept {
  switch (outcome) {
    case send_outcome::sent:
      return "sent";
    case send_outcome::retry:
      return "retry";
    case send_outcome::failed:
      return "failed";
  }
  return "retry";
}

line_verdict classify(line_call call, const line_answer& answer) {
  line_verdict verdict;
  verdict.request_id = answer.request_id;
  verdict.retry_after = answer.retry_after;
  const int status = answer.status;
  if (status >= 200 && status < 300) {
    verdict.outcome = send_outcome::sent;
    return verdict;
  }
  if (status == 409 && call == line_call::push) {
    // The retry key was accepted by an earlier request whose answer we did not get.
    verdict.outcome = send_outcome::sent;
    if (!answer.accepted_request_id.empty()) {
      verdict.request_id = answer.accepted_request_id;
    }
    return verdict;
  }
  if (status == 0) {
    verdict.outcome = send_outcome::retry;
    verdict.error = answer.transport_error.empty() ? "no answer" : answer.transport_error;
    return verdict;
  }
  verdict.error = line_error_text(answer);
  if (status == 429 || status >= 500) {
    verdict.outcome = send_outcome::retry;
    return verdict;
  }
  verdict.outcome = send_outcome::failed;
  verdict.invalid_reply_token =
      call == line_call::reply && status == 400 && says_invalid_reply_token(verdict.error);
  return verdict;
}

bool fall_back_to_push(bool previous_attempt_unknown, std::string_view previous_via) noexcept {
  return !(previous_attempt_unknown && previous_via == "reply");
}

std::chrono::milliseconds retry_delay(unsigned attempts, std::optional<std::chrono::seconds> retry_after,
                                      double unit_random) noexcept {
  constexpr double base_ms = 500.0;
  constexpr double cap_ms = 5.0 * 60 * 1000;
  const unsigned exponent = std::min(attempts == 0 ? 0u : attempts - 1, 20u);
  const double backoff = std::min(base_ms * std::ldexp(1.0, static_cast<int>(exponent)), cap_ms);
  const double jitter = 0.8 + 0.4 * std::clamp(unit_random, 0.0, 1.0);
  auto delay = std::chrono::milliseconds(static_cast<long long>(backoff * jitter));
  if (retry_after && *retry_after > delay) {
    delay = std::chrono::duration_cast<std::chrono::milliseconds>(*retry_after);
  }
  return delay;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) noexcept {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || end != value.data() + value.size() || value.empty() || seconds < 0) {
    return std::nullopt;
  }
  // A day at most: a broken header must not park a message for ever.
  return std::chrono::seconds(std::min(seconds, 86400LL));
}

}  // namespace yorisoi::gateway
