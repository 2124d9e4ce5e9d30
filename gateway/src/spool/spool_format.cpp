// Spool record encoding and the damage-tolerant walk over a segment's bytes.
#include "spool/spool_format.hpp"

#include <boost/crc.hpp>

namespace yorisoi::gateway {
namespace {

constexpr std::string_view magic{"YSPL", 4};
constexpr std::uint16_t format_version = 2;
// Records written before bodies were sealed: no key id, the body in clear. Still read, so that what a
// previous version spooled (and acknowledged to LINE) during an outage is replayed after an upgrade.
constexpr std::uint16_t clear_format_version = 1;

// CRC-32C (Castagnoli): better error detection than CRC-32 on the same cost.
using crc32c = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

void put_le(std::string& out, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  }
}

std::uint64_t get_le(std::string_view in, std::size_t at, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    value |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  }
  return value;
}

std::uint32_t checksum(std::string_view header_fields, std::string_view payload) {
  crc32c crc;
  crc.process_bytes(header_fields.data(), header_fields.size());
  crc.process_bytes(payload.data(), payload.size());
  return crc.checksum();
}

// Reads the payload's fields; false when the inner lengths do not add up to exactly the payload.
bool decode_payload(std::string_view payload, std::uint64_t version, spool_record& out) {
  std::size_t at = 0;
  const auto take_string = [&](std::size_t length_bytes, std::string& field) {
    if (payload.size() - at < length_bytes) {
      return false;
    }
    const std::size_t length = get_le(payload, at, length_bytes);
    at += length_bytes;
    if (payload.size() - at < length) {
      return false;
    }
    field.assign(payload.substr(at, length));
    at += length;
    return true;
  };
  if (!take_string(2, out.tenant_id) || !take_string(2, out.channel_key)) {
    return false;
  }
  if (payload.size() - at < 8) {
    return false;
  }
  out.received_at_ms = static_cast<std::int64_t>(get_le(payload, at, 8));
  at += 8;
  out.key_id = 0;
  if (version != clear_format_version) {
    if (payload.size() - at < 4) {
      return false;
    }
    out.key_id = static_cast<std::uint32_t>(get_le(payload, at, 4));
    at += 4;
    if (out.key_id == 0) {
      return false;  // a sealed record always names its key (ids start at 1)
    }
  }
  return take_string(4, out.body) && at == payload.size();
}

struct decoded {
  spool_damage damage = spool_damage::none;
  std::size_t size = 0;
};

// Is there a whole valid record at `offset`? Fills `record` when there is.
decoded decode_at(std::string_view bytes, std::size_t offset, spool_record* record) {
  const std::string_view rest = bytes.substr(offset);
  if (rest.size() < spool_record_header_size) {
    // A header cut short by a crash still starts with (a prefix of) the magic.
    const std::size_t compared = rest.size() < magic.size() ? rest.size() : magic.size();
    const bool magic_prefix = rest.substr(0, compared) == magic.substr(0, compared);
    return {magic_prefix ? spool_damage::torn : spool_damage::bad_header, 0};
  }
  const std::uint64_t version = rest.size() >= 6 ? get_le(rest, 4, 2) : 0;
  if (rest.substr(0, magic.size()) != magic ||
      (version != format_version && version != clear_format_version) || get_le(rest, 6, 2) != 0) {
    return {spool_damage::bad_header, 0};
  }
  const std::uint64_t length = get_le(rest, 8, 4);
  if (length > spool_max_payload_size) {
    return {spool_damage::bad_header, 0};
  }
  if (rest.size() - spool_record_header_size < length) {
    return {spool_damage::torn, 0};
  }
  const std::string_view payload = rest.substr(spool_record_header_size, length);
  if (checksum(rest.substr(4, 8), payload) != get_le(rest, 12, 4)) {
    return {spool_damage::checksum, 0};
  }
  spool_record scratch;
  if (!decode_payload(payload, version, record != nullptr ? *record : scratch)) {
    return {spool_damage::bad_payload, 0};
  }
  return {spool_damage::none, spool_record_header_size + length};
}

}  // namespace

std::string encode_spool_record(const spool_record& record) {
  if (record.tenant_id.size() > spool_max_id_size || record.channel_key.size() > spool_max_id_size) {
    return {};
  }
  // A sealed body names its key (format 2); a record in clear (key id 0) is written as format 1.
  const bool sealed = record.key_id != 0;
  const std::size_t payload_size = 2 + record.tenant_id.size() + 2 + record.channel_key.size() + 8 +
                                   (sealed ? 4 : 0) + 4 + record.body.size();
  if (payload_size > spool_max_payload_size) {
    return {};
  }
  std::string payload;
  payload.reserve(payload_size);
  put_le(payload, record.tenant_id.size(), 2);
  payload += record.tenant_id;
  put_le(payload, record.channel_key.size(), 2);
  payload += record.channel_key;
  put_le(payload, static_cast<std::uint64_t>(record.received_at_ms), 8);
  if (sealed) {
    put_le(payload, record.key_id, 4);
  }
  put_le(payload, record.body.size(), 4);
  payload += record.body;

  std::string out;
  out.reserve(spool_record_header_size + payload.size());
  out += magic;
  put_le(out, sealed ? format_version : clear_format_version, 2);
  put_le(out, 0, 2);
  put_le(out, payload.size(), 4);
  put_le(out, checksum(std::string_view(out).substr(4, 8), payload), 4);
  out += payload;
  return out;
}

std::string_view to_string(spool_damage damage) noexcept {
  switch (damage) {
    case spool_damage::none:
      return "none";
    case spool_damage::torn:
      return "torn";
    case spool_damage::bad_header:
      return "bad_header";
    case spool_damage::checksum:
      return "checksum";
    case spool_damage::bad_payload:
      return "bad_payload";
  }
  return "unknown";
}

std::size_t find_spool_record(std::string_view bytes, std::size_t from) {
  std::size_t at = from;
  while (at < bytes.size()) {
    const std::size_t candidate = bytes.find(magic, at);
    if (candidate == std::string_view::npos) {
      return bytes.size();
    }
    if (decode_at(bytes, candidate, nullptr).damage == spool_damage::none) {
      return candidate;
    }
    at = candidate + 1;
  }
  return bytes.size();
}

spool_item next_spool_item(std::string_view bytes, std::size_t offset) {
  spool_item item;
  item.offset = offset;
  const decoded here = decode_at(bytes, offset, &item.record);
  item.damage = here.damage;
  if (here.damage == spool_damage::none) {
    item.size = here.size;
    return item;
  }
  item.record = {};
  // Everything up to the next record that checks out is one corrupt stretch.
  item.size = find_spool_record(bytes, offset + 1) - offset;
  return item;
}

}  // namespace yorisoi::gateway
