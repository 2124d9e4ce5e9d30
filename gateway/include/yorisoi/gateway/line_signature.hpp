#pragma once
// Verification of LINE's X-Line-Signature: base64(HMAC-SHA256(channel secret, raw request body)).
//
// Pure and thread-safe. The comparison is constant-time over the decoded 32 bytes, and runs on the
// raw body before anything parses it.

#include <optional>
#include <string>
#include <string_view>

namespace yorisoi::gateway {

enum class signature_status {
  valid,
  missing,    // no header, or an empty one
  malformed,  // not strict base64, or not 32 bytes once decoded
  mismatch,   // well-formed, but not the HMAC of this body with this secret
  no_secret,  // the channel has an empty secret: nothing can be verified, so nothing is accepted
};

// `header_value` is the X-Line-Signature value as received (nullopt when the header is absent).
[[nodiscard]] signature_status verify_line_signature(std::string_view secret, std::string_view body,
                                                     std::optional<std::string_view> header_value);

// The header value LINE would send for this body: for tests, load generators and fuzzers.
[[nodiscard]] std::string sign_line_body(std::string_view secret, std::string_view body);

[[nodiscard]] std::string_view to_string(signature_status status) noexcept;

}  // namespace yorisoi::gateway
