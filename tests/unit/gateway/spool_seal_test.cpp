// The webhook spool's sealing: what lies on disk (segments and quarantine files) never holds a
// resident's text, LINE user id or reply token in clear; records sealed under an older key replay
// after a key rotation; a record that cannot be opened is quarantined, never delivered.
#include "spool_test_support.hpp"

#include <boost/crc.hpp>

#include <fstream>
#include <iterator>

namespace yorisoi::gateway {
namespace {

using namespace spool_test;

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every byte of every file in the spool directory, concatenated.
std::string everything_on_disk(const temp_dir& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    all += read_all(entry.path());
  }
  return all;
}

spool_record resident_message() {
  spool_record r;
  r.tenant_id = "yamagata";
  r.channel_key = "main";
  r.received_at_ms = 1'760'000'000'000;
  r.body =
      R"({"destination":"U0","events":[{"type":"message","replyToken":"rtok-7f3a9c","source":)"
      R"({"type":"user","userId":"U4af4980629deadbeef"},"message":{"type":"text","text":"眠れない夜がつづいています"}}]})";
  return r;
}

TEST(spool_seal, the_bytes_on_disk_hold_neither_the_text_nor_the_user_id_nor_the_reply_token) {
  temp_dir dir;
  {
    auto s = spool::open(options_for(dir));
    ASSERT_EQ(s->append(resident_message()), spool_append_status::stored);
    ASSERT_EQ(s->append(resident_message()), spool_append_status::stored);
  }
  const std::string disk = everything_on_disk(dir);
  EXPECT_EQ(disk.find("眠れない"), std::string::npos);
  EXPECT_EQ(disk.find("U4af4980629deadbeef"), std::string::npos);
  EXPECT_EQ(disk.find("rtok-7f3a9c"), std::string::npos);

  auto s = spool::open(options_for(dir));
  const auto got = drain(*s);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0], resident_message());
}

TEST(spool_seal, a_quarantined_record_stays_sealed) {
  temp_dir dir;
  auto s = spool::open(options_for(dir));
  ASSERT_EQ(s->append(resident_message()), spool_append_status::stored);
  const auto result = s->replay_once([](const spool_record&) { return spool_delivery::rejected; });
  EXPECT_EQ(result.rejected, 1U);
  const auto quarantined = files_named(dir.path(), "quarantine-");
  ASSERT_EQ(quarantined.size(), 1U);
  const std::string bytes = read_all(quarantined[0]);
  EXPECT_EQ(bytes.find("眠れない"), std::string::npos);
  EXPECT_EQ(bytes.find("U4af4980629deadbeef"), std::string::npos);
}

TEST(spool_seal, records_sealed_before_a_key_rotation_replay_with_the_old_key_still_in_the_keyring) {
  temp_dir dir;
  {
    auto s = spool::open(options_for(dir, test_keys({1})));
    ASSERT_EQ(s->append(make_record(0)), spool_append_status::stored);
  }
  auto s = spool::open(options_for(dir, test_keys({1, 2})));
  ASSERT_EQ(s->append(make_record(1)), spool_append_status::stored);
  spool_replay_result result;
  const auto got = drain(*s, &result);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0], make_record(0));
  EXPECT_EQ(got[1], make_record(1));
  EXPECT_EQ(result.corrupt, 0U);
}

TEST(spool_seal, a_record_whose_key_is_gone_is_quarantined_and_the_replay_goes_on) {
  temp_dir dir;
  {
    auto s = spool::open(options_for(dir, test_keys({1})));
    ASSERT_EQ(s->append(make_record(0)), spool_append_status::stored);
  }
  auto s = spool::open(options_for(dir, test_keys({2})));
  ASSERT_EQ(s->append(make_record(1)), spool_append_status::stored);
  spool_replay_result result;
  const auto got = drain(*s, &result);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0], make_record(1));
  EXPECT_EQ(result.corrupt, 1U);
  EXPECT_EQ(result.remaining, 0U);
  EXPECT_EQ(files_named(dir.path(), "quarantine-").size(), 1U);
}

TEST(spool_seal, a_record_with_an_altered_clear_field_is_quarantined) {
  // The tenant, channel and time are bound to the sealed body: re-encoding the record with another
  // tenant (valid CRC) must not let it through.
  const auto keys = test_keys();
  spool_record sealed = seal_spool_record(make_record(0), *keys);
  ASSERT_TRUE(open_spool_record(sealed, *keys));
  sealed.tenant_id = "other";
  EXPECT_FALSE(open_spool_record(sealed, *keys));
  sealed = seal_spool_record(make_record(0), *keys);
  sealed.body[sealed.body.size() / 2] ^= 0x01;
  EXPECT_FALSE(open_spool_record(sealed, *keys));

  temp_dir dir;
  {
    std::ofstream out(dir.path() / "spool-0000000000000001.log", std::ios::binary);
    const std::string bytes =
        encode_spool_record(sealed) + encode_spool_record(seal_spool_record(make_record(1), *keys));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  auto s = spool::open(options_for(dir, keys));
  spool_replay_result result;
  const auto got = drain(*s, &result);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0], make_record(1));
  EXPECT_EQ(result.corrupt, 1U);
}

// A record as the version before sealing wrote it (format 1: no key id, the body in clear).
std::string clear_format_record(const spool_record& r) {
  const auto le = [](std::string& out, std::uint64_t value, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i) {
      out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
    }
  };
  std::string payload;
  le(payload, r.tenant_id.size(), 2);
  payload += r.tenant_id;
  le(payload, r.channel_key.size(), 2);
  payload += r.channel_key;
  le(payload, static_cast<std::uint64_t>(r.received_at_ms), 8);
  le(payload, r.body.size(), 4);
  payload += r.body;
  std::string fields;
  le(fields, 1, 2);  // format 1
  le(fields, 0, 2);
  le(fields, payload.size(), 4);
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_bytes(fields.data(), fields.size());
  crc.process_bytes(payload.data(), payload.size());
  std::string out = "YSPL" + fields;
  le(out, crc.checksum(), 4);
  return out + payload;
}

TEST(spool_seal, records_spooled_in_clear_by_the_version_before_sealing_still_replay) {
  // An upgrade during an outage: what the old version acknowledged to LINE and spooled must not be
  // lost. Its records are read and delivered; new ones are sealed.
  const auto keys = test_keys();
  temp_dir dir;
  {
    std::ofstream out(dir.path() / "spool-0000000000000001.log", std::ios::binary);
    const std::string bytes = clear_format_record(resident_message()) + clear_format_record(make_record(1));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  auto s = spool::open(options_for(dir, keys));
  spool_replay_result result;
  const auto got = drain(*s, &result);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0], resident_message());
  EXPECT_EQ(got[1], make_record(1));
  EXPECT_EQ(result.corrupt, 0U);
}

TEST(spool_seal, a_record_in_clear_is_encoded_in_the_format_before_sealing_and_a_sealed_one_names_its_key) {
  EXPECT_EQ(encode_spool_record(resident_message()), clear_format_record(resident_message()));
  const auto keys = test_keys();
  const std::string sealed = encode_spool_record(seal_spool_record(resident_message(), *keys));
  EXPECT_EQ(sealed[4], 2);  // format 2
  // Format 2 with key id 0 is never written: read as damage, not as a record in clear.
  std::string forged = sealed;
  const std::size_t key_at = 16 + 2 + 8 + 2 + 4 + 8;  // header, tenant, channel, time
  for (std::size_t i = 0; i < 4; ++i) {
    forged[key_at + i] = 0;
  }
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;  // a valid CRC again
  crc.process_bytes(forged.data() + 4, 8);
  crc.process_bytes(forged.data() + 16, forged.size() - 16);
  for (std::size_t i = 0; i < 4; ++i) {
    forged[12 + i] = static_cast<char>((crc.checksum() >> (8 * i)) & 0xFF);
  }
  EXPECT_EQ(next_spool_item(forged, 0).damage, spool_damage::bad_payload);
}

TEST(spool_seal, a_spool_without_a_keyring_is_refused) {
  temp_dir dir;
  spool_options options = options_for(dir);
  options.keys = nullptr;
  EXPECT_THROW((void)spool::open(options), std::invalid_argument);
}

}  // namespace
}  // namespace yorisoi::gateway
