#pragma once
// Shared helpers for the spool tests: a private temporary directory and recognisable records.
#include "spool/spool.hpp"
#include "spool/spool_seal.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace yorisoi::gateway::spool_test {

// A fresh directory under the test temp dir, removed with everything in it at the end.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::path(testing::TempDir()) / "spool-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline spool_record make_record(int n, std::string tenant = "yamagata") {
  spool_record r;
  r.tenant_id = std::move(tenant);
  r.channel_key = "ch-" + std::to_string(n % 3);
  r.received_at_ms = 1'760'000'000'000 + n;
  r.body = R"({"destination":"U0","events":[{"type":"message","n":)" + std::to_string(n) + "}]}";
  return r;
}

// The size of record n on disk (its body sealed, so format 2 with its 4-byte key id).
inline std::size_t record_size(int n) {
  return encode_spool_record(make_record(n)).size() + 4 + spool_seal_overhead;
}

// A keyring with the given key ids (each key is its id repeated, 32 bytes).
inline std::shared_ptr<const storage::keyring> test_keys(std::initializer_list<std::uint32_t> ids = {1}) {
  std::map<std::uint32_t, std::string> keys;
  for (const std::uint32_t id : ids) {
    keys[id] = std::string(32, static_cast<char>('A' + id));
  }
  return std::make_shared<const storage::keyring>(std::move(keys), std::string(32, 'p'));
}

inline spool_options options_for(const temp_dir& dir,
                                 std::shared_ptr<const storage::keyring> keys = test_keys()) {
  spool_options options;
  options.directory = dir.path();
  options.keys = std::move(keys);
  return options;
}

// A callback answer from "was it stored?".
inline spool_delivery stored_if(bool stored) {
  return stored ? spool_delivery::stored : spool_delivery::retry_later;
}

// Replays everything, collecting the records.
inline std::vector<spool_record> drain(spool& s, spool_replay_result* out = nullptr) {
  std::vector<spool_record> got;
  const spool_replay_result result = s.replay_once([&](const spool_record& r) {
    got.push_back(r);
    return spool_delivery::stored;
  });
  if (out != nullptr) {
    *out = result;
  }
  return got;
}

inline std::vector<std::filesystem::path> files_named(const std::filesystem::path& dir,
                                                      std::string_view prefix) {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().starts_with(prefix)) {
      found.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace yorisoi::gateway::spool_test
