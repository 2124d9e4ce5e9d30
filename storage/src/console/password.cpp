#include "console/password.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>
#include <string>

namespace yorisoi::storage::detail {
namespace {

constexpr std::uint32_t time_cost = 2;
constexpr std::uint32_t memory_kib = 19456;
constexpr std::uint32_t lanes = 1;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;

// An argon2id hash (same parameters) of a password nobody knows: verifying against it costs exactly
// what a real verification costs, and always fails.
constexpr const char* dummy_hash =
    "$argon2id$v=19$m=19456,t=2,p=1$CzBVep/E6Q4zWH2ix+wRNg$hLG4w+ikKd4O5hfVBgjT3Ea/Ccxxh54lVWP2R1oS8aU";

}  // namespace

std::size_t utf8_chars(std::string_view text) noexcept {
  std::size_t n = 0;
  for (char c : text) {
    // Continuation bytes (10xxxxxx) do not start a character.
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) {
      ++n;
    }
  }
  return n;
}

bool password_acceptable(std::string_view password) noexcept {
  return utf8_chars(password) >= min_password_chars && password.size() <= max_password_bytes;
}

std::string hash_password(std::string_view password) {
  std::array<unsigned char, salt_bytes> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    throw std::runtime_error("no random bytes for a password salt");
  }
  std::string encoded(argon2_encodedlen(time_cost, memory_kib, lanes, salt_bytes, hash_bytes, Argon2_id),
                      '\0');
  const int rc = argon2id_hash_encoded(time_cost, memory_kib, lanes, password.data(), password.size(),
                                       salt.data(), salt.size(), hash_bytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    throw std::runtime_error(std::string("password hashing failed: ") + argon2_error_message(rc));
  }
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool verify_password(const std::string& encoded, std::string_view password) {
  if (password.size() > max_password_bytes) {
    return false;
  }
  if (encoded.empty()) {
    (void)argon2id_verify(dummy_hash, password.data(), password.size());
    return false;
  }
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace yorisoi::storage::detail
