#pragma once
// How an answer of LINE's Messaging API becomes an outbox outcome, and when to try again. Pure
// functions over values (no I/O, no clock, no randomness of their own); safe from any thread.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace yorisoi::gateway {

enum class line_call { reply, push };

// The same three outcomes as storage::outbox_outcome (kept apart so this stays free of storage).
enum class send_outcome { sent, retry, failed };

[[nodiscard]] std::string_view to_string(line_call call) noexcept;
[[nodiscard]] std::string_view to_string(send_outcome outcome) noexcept;

// What came back from one Messaging API request. `status` 0: no answer (connection error or timeout;
// whether LINE processed the request is unknown).
struct line_answer {
  int status = 0;
  std::string body;                                 // LINE's JSON (errors: {"message", "details"})
  std::string request_id;                           // x-line-request-id
  std::string accepted_request_id;                  // x-line-accepted-request-id (push 409)
  std::optional<std::chrono::seconds> retry_after;  // Retry-After in seconds, when given
  std::string transport_error;                      // why there is no answer (status 0); no user data
};

struct line_verdict {
  send_outcome outcome = send_outcome::retry;
  std::string error;       // LINE's error text, or the transport error; empty when sent
  std::string request_id;  // the request LINE accepted (x-line-accepted-request-id for a 409)
  std::optional<std::chrono::seconds> retry_after;
  bool invalid_reply_token = false;  // a reply refused because its token is invalid or used
};

// 2xx sent; push 409 sent (the retry key was accepted before); 429, 5xx and no answer retry; any other
// 4xx failed with LINE's "message" (and details' messages).
[[nodiscard]] line_verdict classify(line_call call, const line_answer& answer);

// A reply refused for its token falls back to push in the same attempt, unless an earlier attempt by
// reply has an unknown outcome: it may have been delivered (and used the token), and a push would
// then deliver the same messages twice.
[[nodiscard]] bool fall_back_to_push(bool previous_attempt_unknown, std::string_view previous_via) noexcept;

// The wait before attempt `attempts + 1`: min(0.5 s × 2^(attempts-1), 5 min), scaled by a jitter
// factor from `unit_random` in [0, 1) (0.8 … 1.2), or `retry_after` when that is longer.
[[nodiscard]] std::chrono::milliseconds retry_delay(unsigned attempts,
                                                    std::optional<std::chrono::seconds> retry_after,
                                                    double unit_random) noexcept;

// Retry-After as delay-seconds; nullopt for an HTTP-date or anything malformed.
[[nodiscard]] std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) noexcept;

}  // namespace yorisoi::gateway
