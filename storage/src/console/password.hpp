#pragma once
// Staff passwords: argon2id (t=2, m=19 MiB, p=1; OWASP's minimum), 16-byte random salt, PHC string.
//
// Pure functions over their arguments; safe from any thread. Hashing costs tens of milliseconds and
// about 19 MiB of memory by design: call it on a storage thread, never on a network thread.

#include <string>
#include <string_view>

namespace yorisoi::storage::detail {

inline constexpr std::size_t min_password_chars = 12;
// Bounds the work an attacker can ask for per attempt; far above any real password.
inline constexpr std::size_t max_password_bytes = 1024;

// Characters (Unicode code points) of UTF-8 text: a Japanese password of 12 characters is 12, not 36.
[[nodiscard]] std::size_t utf8_chars(std::string_view text) noexcept;

// Whether `password` is acceptable as a new password (length rules only).
[[nodiscard]] bool password_acceptable(std::string_view password) noexcept;

// The PHC-encoded argon2id hash of `password`. Throws std::runtime_error when hashing fails.
[[nodiscard]] std::string hash_password(std::string_view password);

// Whether `password` matches `encoded`. A malformed hash is a mismatch. An empty `encoded` is checked
// against a fixed dummy hash (and fails), so that an unknown login costs the same time as a known one.
[[nodiscard]] bool verify_password(const std::string& encoded, std::string_view password);

}  // namespace yorisoi::storage::detail
