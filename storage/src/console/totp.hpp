#pragma once
// The TOTP second factor (RFC 6238 over RFC 4226, by liboath): HMAC-SHA-1, 6 digits, 30-second steps
// from the Unix epoch, one step either side accepted; and its recovery codes.
//
// Pure functions over their arguments (time is a parameter); safe from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::storage::detail {

inline constexpr unsigned totp_digits = 6;
inline constexpr unsigned totp_step_seconds = 30;
inline constexpr int totp_window_steps = 1;
inline constexpr std::size_t totp_secret_bytes = 20;  // RFC 4226's recommended 160 bits
inline constexpr std::size_t recovery_code_count = 10;

// The code of `secret` (raw bytes) at `unix_seconds`, `digits` long (6, 7 or 8). Throws
// std::runtime_error when liboath refuses.
[[nodiscard]] std::string totp_code(std::string_view secret, std::int64_t unix_seconds,
                                    unsigned digits = totp_digits);

// The time step a 6-digit `code` belongs to, if it is the code of the step of `unix_seconds` or of
// one step either side, and that step is later than `after_step` (the newest step already used; a
// code is never accepted twice). Anything but six ASCII digits is no match.
[[nodiscard]] std::optional<std::int64_t> totp_verify(std::string_view secret, std::string_view code,
                                                      std::int64_t unix_seconds,
                                                      std::optional<std::int64_t> after_step);

// Whether `code` has the form of a TOTP code (six ASCII digits); anything else is taken for a
// recovery code.
[[nodiscard]] bool looks_like_totp(std::string_view code) noexcept;

// Fresh random secret (totp_secret_bytes). Throws std::runtime_error.
[[nodiscard]] std::string new_totp_secret();

// RFC 4648 base32 without padding, as authenticator apps take it.
[[nodiscard]] std::string base32(std::string_view raw);

// otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30 (percent-encoded).
[[nodiscard]] std::string otpauth_uri(std::string_view issuer, std::string_view account,
                                      std::string_view secret_base32);

// recovery_code_count fresh codes, "xxxxx-xxxxx" of base32 letters and digits (lower case, 50 bits).
[[nodiscard]] std::vector<std::string> new_recovery_codes();
// What is hashed of a typed recovery code: lower case, without spaces and hyphens.
[[nodiscard]] std::string normalise_recovery_code(std::string_view typed);

}  // namespace yorisoi::storage::detail
