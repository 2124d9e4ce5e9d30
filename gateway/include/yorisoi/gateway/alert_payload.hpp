#pragma once
// The on-call alert as it goes over the wire: its JSON body, its signature, and what the receiver's
// answer means. Pure and thread-safe (no I/O, no clock: the timestamp is a parameter).
//
// Body: {"type":"yorisoi.alert","alert_id","tenant","kind","resident","consultation_id","at",
// "console_url"} — ids, the console's resident label and times only, never the resident's text or
// LINE identifiers.
// Signature: X-Yorisoi-Signature: sha256=<lower-case hex of HMAC-SHA256(secret, timestamp + "." + body)>
// with X-Yorisoi-Timestamp: <timestamp> (unix seconds of the attempt), so a receiver can refuse an old
// replay; X-Yorisoi-Alert-Id repeats alert_id so it can drop a repeated delivery.

#include "yorisoi/gateway/line_outcome.hpp"

#include <string>
#include <string_view>

namespace yorisoi::gateway {

struct alert_fields {
  std::string alert_id;
  std::string tenant;
  std::string kind;      // "urgent" | "off_hours"
  std::string resident;  // the console's label, e.g. R-3D287B
  std::string consultation_id;
  std::string at;  // ISO-8601: when the resident wrote
};

// The JSON body; console_url = console_base + "/console/#/c/" + consultation_id.
[[nodiscard]] std::string alert_body(const alert_fields& fields, std::string_view console_base);

// "sha256=<hex>" over timestamp + "." + body.
[[nodiscard]] std::string alert_signature(std::string_view secret, std::string_view timestamp,
                                          std::string_view body);

// 2xx sent; 408, 429, 5xx and no answer (status 0) retried; any other status failed.
[[nodiscard]] send_outcome classify_alert_answer(int status) noexcept;

}  // namespace yorisoi::gateway
