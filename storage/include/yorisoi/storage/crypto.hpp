#pragma once
// Protection of sensitive columns: AES-256-GCM with a key id per row, and resident pseudonyms.
//
// A keyring holds every key by id; the highest id encrypts, any id present decrypts, so keys rotate
// without rewriting old rows at once. Immutable after construction; safe to share between threads.

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace yorisoi::storage {

struct sealed {
  std::uint32_t key_id = 0;
  std::string blob;  // nonce (12 bytes) || ciphertext || tag (16 bytes)
};

class crypto_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class keyring {
 public:
  // keys: id -> 32 raw bytes; pepper: >= 32 raw bytes. Throws crypto_error when either is unusable.
  keyring(std::map<std::uint32_t, std::string> keys, std::string pepper);

  [[nodiscard]] std::uint32_t current_key_id() const noexcept { return current_; }

  // Encrypts with the current key. `context` (e.g. tenant and column) is bound as associated data,
  // so a blob copied into another row or column fails to decrypt.
  [[nodiscard]] sealed seal(std::string_view plaintext, std::string_view context) const;
  // Throws crypto_error on an unknown key id or a blob that fails authentication.
  [[nodiscard]] std::string open(const sealed& value, std::string_view context) const;

  // HMAC-SHA256(pepper, channel_key || 0x00 || line_user_id): how a resident is found without
  // storing the LINE user id in clear.
  [[nodiscard]] std::string pseudonym(std::string_view channel_key, std::string_view line_user_id) const;

  // The tenant's key of the keyed search index: HMAC-SHA256(pepper, "yorisoi search index" || 0x00 ||
  // tenant_id), 32 bytes. It depends on the pepper only, so rotating the encryption keys keeps the
  // index valid (changing the pepper would also change every pseudonym, and is not done).
  [[nodiscard]] std::string search_key(std::string_view tenant_id) const;

 private:
  std::map<std::uint32_t, std::string> keys_;
  std::string pepper_;
  std::uint32_t current_ = 0;
};

}  // namespace yorisoi::storage
