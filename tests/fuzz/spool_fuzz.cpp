// libFuzzer target for the webhook spool's reader: arbitrary bytes as a segment file. Whatever the
// bytes, opening and replaying must not crash or hang, and every byte must be accounted for exactly
// once: as part of a replayed record or in a quarantine file. Checked twice: on the pure walk over
// the bytes, and through the real spool on a real directory (recovery at open + replay). The spool
// opens records with a fixed test keyring (fuzz_keys); the seeds' records are sealed with it.
#include "spool/spool.hpp"
#include "spool/spool_naming.hpp"
#include "spool/spool_seal.hpp"

#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace {

namespace fs = std::filesystem;
using namespace yorisoi::gateway;

fs::path work_dir;

// Key 1 is 32 bytes of 0x4B ('K'), the pepper 32 bytes of 'p': the seeds are sealed with these.
std::shared_ptr<const yorisoi::storage::keyring> fuzz_keys() {
  static const auto keys = std::make_shared<const yorisoi::storage::keyring>(
      std::map<std::uint32_t, std::string>{{1, std::string(32, 'K')}}, std::string(32, 'p'));
  return keys;
}

void check(bool condition) {
  if (!condition) {
    __builtin_trap();
  }
}

// What a replay must deliver: the records that are whole and open (sealed under a known key, or
// written in clear in format 1), with their bytes on disk.
struct deliverable {
  std::size_t records = 0;
  std::uint64_t bytes = 0;
};

// The pure walk: items tile the input exactly, and a record re-encodes to the very same bytes.
deliverable check_walk(std::string_view bytes) {
  deliverable out;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const spool_item item = next_spool_item(bytes, at);
    check(item.offset == at && item.size > 0 && item.size <= bytes.size() - at);
    if (item.damage == spool_damage::none) {
      check(encode_spool_record(item.record) == bytes.substr(at, item.size));
      if (open_spool_record(item.record, *fuzz_keys())) {
        ++out.records;
        out.bytes += item.size;
      }
    }
    at += item.size;
  }
  return out;
}

void check_spool(std::string_view bytes, const deliverable& expected) {
  const fs::path dir = work_dir / "spool";
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream out(dir / spool_naming::segment_name(1), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  std::size_t replayed = 0;
  {
    auto s = spool::open({dir, fuzz_keys(), 1ULL << 30, 8ULL << 20});
    const spool_replay_result result = s->replay_once([&](const spool_record& r) {
      check(r.key_id == 0);  // delivered opened
      ++replayed;
      return spool_delivery::stored;
    });
    check(!result.io_error && !result.stopped && result.remaining == 0);
    check(s->depth().records == 0 && s->depth().bytes == 0 && s->stats().used_bytes == 0);
  }
  std::uint64_t quarantined_bytes = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    check(!spool_naming::parse_segment_name(name));  // fully replayed segments are gone
    if (name.starts_with("quarantine-")) {
      quarantined_bytes += fs::file_size(entry.path());
    }
  }
  check(replayed == expected.records && expected.bytes + quarantined_bytes == bytes.size());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // a quarantine log line per input is only noise here
  // A RAM-backed directory when there is one: fdatasync there costs nothing.
  const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  std::string pattern = (base / "yorisoi-spool-fuzz-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::abort();
  }
  work_dir = pattern;
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(work_dir, ec);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_spool(bytes, check_walk(bytes));
  return 0;
}
