#include "search/search_grams.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace yorisoi::storage::detail {

std::int64_t gram_hasher::gram(const std::string& tenant_id, std::string_view bigram) {
  auto key = tenant_keys_.find(tenant_id);
  if (key == tenant_keys_.end()) {
    key = tenant_keys_.emplace(tenant_id, keys_.search_key(tenant_id)).first;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key->second.data(), static_cast<int>(key->second.size()),
           reinterpret_cast<const unsigned char*>(bigram.data()), bigram.size(), mac.data(), &length) == nullptr ||
      length < 8) {
    throw crypto_error("HMAC-SHA256 failed");
  }
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8U) | mac[static_cast<std::size_t>(i)];
  }
  return static_cast<std::int64_t>(value);
}

std::vector<std::int64_t> gram_hasher::grams(const std::string& tenant_id, const std::vector<std::string>& bigrams) {
  std::vector<std::int64_t> out;
  out.reserve(bigrams.size());
  for (const auto& b : bigrams) {
    out.push_back(gram(tenant_id, b));
  }
  return out;
}

}  // namespace yorisoi::storage::detail
