#pragma once
// The keyed grams of the search index: each folded bigram (routing/search_text.hpp) becomes the first
// 8 bytes of HMAC-SHA256 under the tenant's search key (keyring::search_key), read as a signed 64-bit
// integer. The same text always gives the same grams, and nothing but the key relates a gram to text.
// Not thread-safe (caches one key per tenant); one per thread.

#include "yorisoi/storage/crypto.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::storage::detail {

class gram_hasher {
 public:
  explicit gram_hasher(const keyring& keys) : keys_(keys) {}

  [[nodiscard]] std::int64_t gram(const std::string& tenant_id, std::string_view bigram);
  // The grams of every bigram given, in the same order.
  [[nodiscard]] std::vector<std::int64_t> grams(const std::string& tenant_id,
                                                const std::vector<std::string>& bigrams);

 private:
  const keyring& keys_;
  std::map<std::string, std::string, std::less<>> tenant_keys_;
};

}  // namespace yorisoi::storage::detail
