#include "yorisoi/gateway/line_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>
#include <string>

namespace yorisoi::gateway {
namespace {

constexpr std::size_t digest_size = 32;
using digest = std::array<unsigned char, digest_size>;

bool hmac_sha256(std::string_view secret, std::string_view body, digest& out) {
  unsigned int length = 0;
  // HMAC() with an empty key would still compute; callers have already refused empty secrets.
  const unsigned char* result =
      HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), out.data(), &length);
  return result != nullptr && length == digest_size;
}

int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

// Strict decoding of exactly 32 bytes: 44 characters, the last one '='. Anything else is malformed;
// the shape is not secret, so these early returns leak nothing about the expected value.
bool decode_digest(std::string_view text, digest& out) {
  if (text.size() != 44 || text[43] != '=' || text[42] == '=') {
    return false;
  }
  std::uint32_t accumulator = 0;
  int bits = 0;
  std::size_t written = 0;
  for (std::size_t i = 0; i < 43; ++i) {
    const int value = base64_value(text[i]);
    if (value < 0) {
      return false;
    }
    accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (written == digest_size) {
        return false;
      }
      out[written++] = static_cast<unsigned char>((accumulator >> bits) & 0xff);
    }
  }
  // 43 symbols carry 258 bits: the 2 left over must be zero in canonical base64.
  return written == digest_size && (accumulator & ((1u << bits) - 1)) == 0;
}

}  // namespace

signature_status verify_line_signature(std::string_view secret, std::string_view body,
                                       std::optional<std::string_view> header_value) {
  if (secret.empty()) {
    return signature_status::no_secret;
  }
  if (!header_value || header_value->empty()) {
    return signature_status::missing;
  }
  digest received{};
  if (!decode_digest(*header_value, received)) {
    return signature_status::malformed;
  }
  digest expected{};
  if (!hmac_sha256(secret, body, expected)) {
    return signature_status::mismatch;
  }
  if (CRYPTO_memcmp(received.data(), expected.data(), digest_size) != 0) {
    return signature_status::mismatch;
  }
  return signature_status::valid;
}

std::string sign_line_body(std::string_view secret, std::string_view body) {
  digest mac{};
  if (!hmac_sha256(secret, body, mac)) {
    return {};
  }
  std::string encoded(4 * ((digest_size + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), mac.data(),
                                     static_cast<int>(mac.size()));
  encoded.resize(static_cast<std::size_t>(length));
  return encoded;
}

std::string_view to_string(signature_status status) noexcept {
  switch (status) {
    case signature_status::valid:
      return "valid";
    case signature_status::missing:
      return "missing";
    case signature_status::malformed:
      return "malformed";
    case signature_status::mismatch:
      return "mismatch";
    case signature_status::no_secret:
      return "no_secret";
  }
  return "invalid";
}

}  // namespace yorisoi::gateway
