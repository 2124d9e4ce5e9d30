#pragma once
// The on-disk format of the webhook spool's records, and how a byte range is split into records
// and corrupt stretches. Pure functions: no I/O, thread-safe, total on arbitrary bytes.
//
// A segment file is a sequence of records, nothing else. One record (all integers little-endian):
//
//   offset size  field
//   0      4     magic "YSPL"
//   4      2     format version: 2 (sealed body), or 1 (body in clear, no key id: written before
//                sealing; still read so that an upgrade during an outage loses nothing)
//   6      2     reserved, 0
//   8      4     payload length N (at most max_payload_size)
//   12     4     CRC-32C of bytes 4..12 and of the payload
//   16     N     payload:
//                  u16 tenant id length, tenant id bytes,
//                  u16 channel key length, channel key bytes,
//                  i64 received-at (unix milliseconds),
//                  u32 key id of the body's sealing key (format 2 only; never 0),
//                  u32 body length, the body: as written by the spool, the verified request body
//                  sealed with that key (spool_seal.hpp); this layer does not look inside it
//                (the lengths add up to exactly N)
//
// Why a false match while searching for the next record after damage is not a worry: a candidate
// must carry the magic, version 1, a zero reserved field, a payload whose inner lengths add up and
// a matching CRC; and a spooled body is sealed (AES-GCM), so a fake record inside one is neither
// chosen by a sender nor, if it happened, able to open (the key and the associated data would not
// fit). Records of format version 1 (bodies in clear, written before sealing) read as bad_header and
// are quarantined.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace yorisoi::gateway {

// One verified webhook request, as spooled.
struct spool_record {
  std::string tenant_id;
  std::string channel_key;
  std::int64_t received_at_ms = 0;  // unix milliseconds when the request arrived
  std::string body;                 // the raw body whose signature was verified (sealed on disk)
  std::uint32_t key_id = 0;         // on disk: the id of the key that sealed `body`; 0 when in clear

  friend bool operator==(const spool_record&, const spool_record&) = default;
};

inline constexpr std::size_t spool_record_header_size = 16;
// Far above the gateway's body limit; bounds what a damaged length field can make a reader load.
inline constexpr std::uint32_t spool_max_payload_size = 16U * 1024U * 1024U;
inline constexpr std::size_t spool_max_id_size = 0xFFFF;

// The encoded record (header + payload). Precondition: tenant_id and channel_key are at most
// spool_max_id_size bytes and the payload at most spool_max_payload_size; otherwise returns "".
[[nodiscard]] std::string encode_spool_record(const spool_record& record);

// Why a stretch of bytes is not a record.
enum class spool_damage {
  none,
  torn,        // the bytes end before the record does (a write cut short by a crash)
  bad_header,  // no magic, unknown version, or an impossible length
  checksum,    // the CRC does not match
  bad_payload  // the CRC matches but the inner lengths do not add up
};

[[nodiscard]] std::string_view to_string(spool_damage damage) noexcept;

// What starts at `offset` of a byte range: a whole valid record (damage == none, `record` filled)
// or a corrupt stretch that runs up to the next valid record or the end of the range. `size` is
// always > 0 when offset < range size, so walking item by item accounts for every byte exactly once.
struct spool_item {
  std::size_t offset = 0;
  std::size_t size = 0;
  spool_damage damage = spool_damage::none;
  spool_record record;  // only when damage == none
};

// Precondition: offset < bytes.size().
[[nodiscard]] spool_item next_spool_item(std::string_view bytes, std::size_t offset);

// The offset of the first valid record starting at or after `from`, or bytes.size() if none.
[[nodiscard]] std::size_t find_spool_record(std::string_view bytes, std::size_t from);

}  // namespace yorisoi::gateway
