#include "yorisoi/storage/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdint>
#include <memory>
#include <utility>

namespace yorisoi::storage {
namespace {

constexpr std::size_t key_size = 32;
constexpr std::size_t nonce_size = 12;
constexpr std::size_t tag_size = 16;
constexpr std::size_t min_pepper_size = 32;

struct cipher_ctx_deleter {
  void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};
using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_deleter>;

cipher_ctx new_ctx() {
  cipher_ctx ctx{EVP_CIPHER_CTX_new()};
  if (!ctx) {
    throw crypto_error("EVP_CIPHER_CTX_new failed");
  }
  return ctx;
}

const unsigned char* bytes(std::string_view s) noexcept {
  return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* bytes(std::string& s) noexcept {
  return reinterpret_cast<unsigned char*>(s.data());
}

// OpenSSL takes int lengths; our values are far smaller, but a silent truncation would be a bug.
int checked_len(std::size_t n) {
  if (n > static_cast<std::size_t>(INT32_MAX / 2)) {
    throw crypto_error("value too large to encrypt");
  }
  return static_cast<int>(n);
}

}  // namespace

keyring::keyring(std::map<std::uint32_t, std::string> keys, std::string pepper)
    : keys_(std::move(keys)), pepper_(std::move(pepper)) {
  if (keys_.empty()) {
    throw crypto_error("keyring needs at least one key");
  }
  for (const auto& [id, key] : keys_) {
    if (key.size() != key_size) {
      throw crypto_error("key " + std::to_string(id) + " must be 32 bytes, not " +
                         std::to_string(key.size()));
    }
  }
  if (pepper_.size() < min_pepper_size) {
    throw crypto_error("pseudonym pepper must be at least 32 bytes");
  }
  current_ = keys_.rbegin()->first;
}

sealed keyring::seal(std::string_view plaintext, std::string_view context) const {
  const std::string& key = keys_.at(current_);
  sealed out;
  out.key_id = current_;
  out.blob.resize(nonce_size + plaintext.size() + tag_size);
  unsigned char* nonce = bytes(out.blob);
  if (RAND_bytes(nonce, static_cast<int>(nonce_size)) != 1) {
    throw crypto_error("RAND_bytes failed");
  }
  auto ctx = new_ctx();
  int len = 0;
  unsigned char* ciphertext = nonce + nonce_size;
  // The default GCM nonce length is 12 bytes, so no IVLEN control is needed.
  bool ok =
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), nonce) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(context), checked_len(context.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), ciphertext, &len, bytes(plaintext), checked_len(plaintext.size())) == 1;
  int written = len;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), ciphertext + written, &len) == 1;
  written += len;
  ok = ok && static_cast<std::size_t>(written) == plaintext.size() &&
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size),
                           ciphertext + written) == 1;
  if (!ok) {
    throw crypto_error("AES-256-GCM encryption failed");
  }
  return out;
}

std::string keyring::open(const sealed& value, std::string_view context) const {
  auto key = keys_.find(value.key_id);
  if (key == keys_.end()) {
    throw crypto_error("unknown key id " + std::to_string(value.key_id));
  }
  if (value.blob.size() < nonce_size + tag_size) {
    throw crypto_error("sealed value too short");
  }
  const std::string_view blob = value.blob;
  const std::string_view nonce = blob.substr(0, nonce_size);
  const std::string_view ciphertext = blob.substr(nonce_size, blob.size() - nonce_size - tag_size);
  std::string tag{blob.substr(blob.size() - tag_size)};

  std::string plaintext(ciphertext.size(), '\0');
  auto ctx = new_ctx();
  int len = 0;
  bool ok =
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key->second), bytes(nonce)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(context), checked_len(context.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), bytes(plaintext), &len, bytes(ciphertext),
                        checked_len(ciphertext.size())) == 1;
  int written = len;
  ok =
      ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size), bytes(tag)) == 1;
  // Final verifies the tag: a wrong key, context or any flipped bit fails here.
  ok = ok && EVP_DecryptFinal_ex(ctx.get(), bytes(plaintext) + written, &len) == 1;
  if (!ok) {
    throw crypto_error("sealed value failed authentication");
  }
  return plaintext;
}

std::string keyring::pseudonym(std::string_view channel_key, std::string_view line_user_id) const {
  std::string input;
  input.reserve(channel_key.size() + 1 + line_user_id.size());
  input.append(channel_key);
  input.push_back('\0');  // separator: ("ab","c") and ("a","bc") must differ
  input.append(line_user_id);
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int out_len = 0;
  if (HMAC(EVP_sha256(), pepper_.data(), checked_len(pepper_.size()), bytes(input), input.size(), bytes(out),
           &out_len) == nullptr) {
    throw crypto_error("HMAC-SHA256 failed");
  }
  out.resize(out_len);
  return out;
}

std::string keyring::search_key(std::string_view tenant_id) const {
  // A label of its own, so that no search key equals a pseudonym (those start with a channel key).
  return pseudonym("yorisoi search index", tenant_id);
}

}  // namespace yorisoi::storage
