#include "console/totp.hpp"

#include <liboath/oath.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <stdexcept>

namespace yorisoi::storage::detail {
namespace {

void init_oath() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) {
      throw std::runtime_error("liboath could not be initialised");
    }
  });
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("no random bytes");
  }
  return out;
}

constexpr std::string_view base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string percent_encode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      std::array<char, 4> hex{};
      std::snprintf(hex.data(), hex.size(), "%%%02X", u);
      out += hex.data();
    }
  }
  return out;
}

}  // namespace

std::string totp_code(std::string_view secret, std::int64_t unix_seconds, unsigned digits) {
  init_oath();
  std::array<char, 16> code{};
  const int rc = oath_totp_generate(secret.data(), secret.size(), static_cast<time_t>(unix_seconds),
                                    totp_step_seconds, 0, digits, code.data());
  if (rc != OATH_OK) {
    throw std::runtime_error("liboath could not compute a TOTP code");
  }
  return std::string(code.data());
}

bool looks_like_totp(std::string_view code) noexcept {
  if (code.size() != totp_digits) {
    return false;
  }
  for (const char c : code) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

std::optional<std::int64_t> totp_verify(std::string_view secret, std::string_view code,
                                        std::int64_t unix_seconds, std::optional<std::int64_t> after_step) {
  if (!looks_like_totp(code) || unix_seconds < 0) {
    return std::nullopt;
  }
  const std::int64_t now_step = unix_seconds / totp_step_seconds;
  std::optional<std::int64_t> found;
  // Every candidate is computed and compared in constant time, whichever matches.
  for (int offset = -totp_window_steps; offset <= totp_window_steps; ++offset) {
    const std::int64_t step = now_step + offset;
    if (step < 0) {
      continue;
    }
    const std::string expected = totp_code(secret, step * totp_step_seconds);
    const bool same = CRYPTO_memcmp(expected.data(), code.data(), totp_digits) == 0;
    if (same && (!after_step || step > *after_step)) {
      found = step;
    }
  }
  return found;
}

std::string new_totp_secret() {
  return random_bytes(totp_secret_bytes);
}

std::string base32(std::string_view raw) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : raw) {
    buffer = (buffer << 8U) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      out += base32_alphabet[(buffer >> static_cast<unsigned>(bits - 5)) & 0x1FU];
      bits -= 5;
    }
  }
  if (bits > 0) {
    out += base32_alphabet[(buffer << static_cast<unsigned>(5 - bits)) & 0x1FU];
  }
  return out;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret_base32) {
  const std::string label = percent_encode(issuer) + ":" + percent_encode(account);
  return "otpauth://totp/" + label + "?secret=" + std::string(secret_base32) +
         "&issuer=" + percent_encode(issuer) + "&algorithm=SHA1&digits=" + std::to_string(totp_digits) +
         "&period=" + std::to_string(totp_step_seconds);
}

std::vector<std::string> new_recovery_codes() {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < recovery_code_count; ++i) {
    std::string letters = base32(random_bytes(7)).substr(0, 10);
    for (auto& c : letters) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    out.push_back(letters.substr(0, 5) + "-" + letters.substr(5));
  }
  return out;
}

std::string normalise_recovery_code(std::string_view typed) {
  std::string out;
  for (const char c : typed) {
    if (c == '-' || c == ' ') {
      continue;
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace yorisoi::storage::detail
