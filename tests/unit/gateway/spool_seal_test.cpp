// The webhook spool's sealing: what lies on disk (segments and quarantine files) never holds a
// resident's text, LINE user id or reply token in clear; records sealed under an older key replay
// after a key rotation; a record that cannot be opened is quarantined, never delivered.
#include "spool_test_support.hpp"

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

TEST(spool_seal, a_spool_without_a_keyring_is_refused) {
  temp_dir dir;
  spool_options options = options_for(dir);
  options.keys = nullptr;
  EXPECT_THROW((void)spool::open(options), std::invalid_argument);
}

}  // namespace
}  // namespace yorisoi::gateway
