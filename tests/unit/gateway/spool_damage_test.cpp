// The webhook spool's damage handling: torn tails at every cut point, flipped bytes in the middle,
// quarantine files holding exactly the bad bytes; plus the record format and file names.
#include "spool/spool_naming.hpp"
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

void write_all(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Writes records 0..count-1 into a fresh spool in `dir`, closes it, returns the segment's path.
std::filesystem::path spool_of(const temp_dir& dir, int count) {
  {
    auto s = spool::open(options_for(dir));
    for (int i = 0; i < count; ++i) {
      EXPECT_EQ(s->append(make_record(i)), spool_append_status::stored);
    }
  }
  const auto segments = files_named(dir.path(), "spool-");
  EXPECT_EQ(segments.size(), 1U);
  return segments.at(0);
}

TEST(spool_damage, a_torn_tail_at_every_cut_point_is_quarantined_and_the_earlier_records_replay) {
  temp_dir original;
  const std::string whole = read_all(spool_of(original, 3));
  const std::size_t last = record_size(0) + record_size(1);
  ASSERT_EQ(whole.size(), last + record_size(2));

  for (std::size_t cut = last + 1; cut < whole.size(); ++cut) {
    SCOPED_TRACE("file cut at " + std::to_string(cut));
    temp_dir dir;
    const std::filesystem::path segment = dir.path() / spool_naming::segment_name(1);
    write_all(segment, whole.substr(0, cut));

    auto s = spool::open(options_for(dir));
    EXPECT_EQ(s->depth().records, 2U);
    EXPECT_EQ(s->stats().corrupt_records, 1U);
    EXPECT_EQ(s->stats().quarantined_bytes, cut - last);
    EXPECT_EQ(std::filesystem::file_size(segment), last);  // the torn tail is cut off
    const auto quarantined = files_named(dir.path(), "quarantine-");
    ASSERT_EQ(quarantined.size(), 1U);
    EXPECT_EQ(read_all(quarantined[0]), whole.substr(last, cut - last));

    // New appends follow the last whole record, and everything replays in order.
    ASSERT_EQ(s->append(make_record(9)), spool_append_status::stored);
    spool_replay_result result;
    const auto got = drain(*s, &result);
    ASSERT_EQ(got.size(), 3U);
    EXPECT_EQ(got[0], make_record(0));
    EXPECT_EQ(got[1], make_record(1));
    EXPECT_EQ(got[2], make_record(9));
    EXPECT_EQ(result.corrupt, 0U);
  }
}

TEST(spool_damage, a_flipped_byte_mid_file_quarantines_that_record_and_replays_the_following_ones) {
  temp_dir original;
  const std::string whole = read_all(spool_of(original, 5));
  const std::size_t start = record_size(0) + record_size(1);
  const std::size_t size = record_size(2);

  for (std::size_t at = start; at < start + size; ++at) {
    SCOPED_TRACE("byte flipped at " + std::to_string(at));
    temp_dir dir;
    std::string damaged = whole;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x20);
    write_all(dir.path() / spool_naming::segment_name(1), damaged);

    auto s = spool::open(options_for(dir));
    EXPECT_EQ(s->depth().records, 4U);
    EXPECT_EQ(s->depth().bytes, whole.size());
    spool_replay_result result;
    const auto got = drain(*s, &result);
    ASSERT_EQ(got.size(), 4U);
    EXPECT_EQ(got[0], make_record(0));
    EXPECT_EQ(got[1], make_record(1));
    EXPECT_EQ(got[2], make_record(3));
    EXPECT_EQ(got[3], make_record(4));
    EXPECT_EQ(result.corrupt, 1U);
    EXPECT_EQ(s->stats().corrupt_records, 1U);
    EXPECT_EQ(s->depth().bytes, 0U);
    const auto quarantined = files_named(dir.path(), "quarantine-");
    ASSERT_EQ(quarantined.size(), 1U);
    EXPECT_EQ(quarantined[0].filename(), spool_naming::quarantine_name(1, start));
    EXPECT_EQ(read_all(quarantined[0]), damaged.substr(start, size));
  }
}

TEST(spool_damage, a_quarantined_stretch_is_not_replayed_again_after_a_reopen) {
  temp_dir dir;
  const auto segment = spool_of(dir, 3);
  std::string damaged = read_all(segment);
  damaged[record_size(0) + 20] ^= 0x01;
  write_all(segment, damaged);
  {
    auto s = spool::open(options_for(dir));
    spool_replay_result result;
    int taken = 0;
    result = s->replay_once([&](const spool_record&) { return stored_if(++taken <= 1); });
    EXPECT_EQ(result.replayed, 1U);
    EXPECT_EQ(result.corrupt, 1U);  // record 1 quarantined before record 2 was refused
  }
  auto s = spool::open(options_for(dir));
  spool_replay_result result;
  const auto got = drain(*s, &result);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0], make_record(2));
  EXPECT_EQ(result.corrupt, 0U);
}

TEST(spool_damage, a_rejected_record_is_quarantined_and_the_replay_goes_on) {
  temp_dir dir;
  const auto segment = spool_of(dir, 3);
  const std::string whole = read_all(segment);
  auto s = spool::open(options_for(dir));
  std::vector<spool_record> got;
  spool_replay_result result = s->replay_once([&](const spool_record& r) {
    if (r == make_record(1)) {
      return spool_delivery::rejected;  // e.g. its tenant is no longer configured
    }
    got.push_back(r);
    return spool_delivery::stored;
  });
  EXPECT_EQ(result.replayed, 2U);
  EXPECT_EQ(result.rejected, 1U);
  EXPECT_EQ(result.corrupt, 0U);
  EXPECT_EQ(result.remaining, 0U);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[1], make_record(2));
  EXPECT_EQ(s->stats().rejected_records, 1U);
  EXPECT_EQ(s->stats().corrupt_records, 0U);
  const auto quarantined = files_named(dir.path(), "quarantine-");
  ASSERT_EQ(quarantined.size(), 1U);
  EXPECT_EQ(read_all(quarantined[0]), whole.substr(record_size(0), record_size(1)));
}

// Replay in runs: consecutive records are handed over together, a damaged stretch ends a run (it is
// quarantined after the records before it are settled), a rejected record inside a run is quarantined
// and the run goes on, and a retry_later inside a run stops the pass there, the next pass resuming at
// that very record.
TEST(spool_damage, runs_of_records_are_delivered_together_in_order_and_settled_one_by_one) {
  temp_dir dir;
  const auto segment = spool_of(dir, 9);
  std::string damaged = read_all(segment);
  damaged[record_size(0) + record_size(1) + record_size(2) + 20] ^= 0x01;  // record 3
  write_all(segment, damaged);
  auto s = spool::open(options_for(dir));
  std::vector<std::vector<spool_record>> runs;
  bool refuse_record_7 = true;
  const auto deliver = [&](const std::vector<const spool_record*>& records) {
    std::vector<spool_delivery> out;
    runs.emplace_back();
    for (const spool_record* r : records) {
      runs.back().push_back(*r);
      if (*r == make_record(1)) {
        out.push_back(spool_delivery::rejected);
      } else if (*r == make_record(7) && refuse_record_7) {
        out.push_back(spool_delivery::retry_later);
      } else {
        out.push_back(spool_delivery::stored);
      }
    }
    return out;
  };
  spool_replay_result first = s->replay_once(deliver, 4);
  EXPECT_TRUE(first.stopped);
  EXPECT_EQ(first.replayed, 5U);  // 0 and 2 (1 rejected), then 4, 5, 6 until 7 was refused
  ASSERT_EQ(runs.size(), 2U);
  ASSERT_EQ(runs[0].size(), 3U);  // 0, 1, 2: record 3 is damaged and ends the run
  EXPECT_EQ(runs[0][0], make_record(0));
  EXPECT_EQ(runs[0][2], make_record(2));
  ASSERT_EQ(runs[1].size(), 4U);  // 4, 5, 6, 7
  EXPECT_EQ(runs[1][0], make_record(4));
  EXPECT_EQ(first.rejected, 1U);
  EXPECT_EQ(first.corrupt, 1U);
  EXPECT_EQ(first.remaining, 2U);

  refuse_record_7 = false;
  runs.clear();
  spool_replay_result second = s->replay_once(deliver, 4);
  EXPECT_FALSE(second.stopped);
  EXPECT_EQ(second.replayed, 2U);
  ASSERT_EQ(runs.size(), 1U);
  ASSERT_EQ(runs[0].size(), 2U);
  EXPECT_EQ(runs[0][0], make_record(7));
  EXPECT_EQ(runs[0][1], make_record(8));
  EXPECT_TRUE(s->empty());
  EXPECT_EQ(files_named(dir.path(), "quarantine-").size(), 2U);
}

TEST(spool_format, records_round_trip_and_every_byte_of_a_walk_is_accounted_for) {
  const spool_record empty_fields{"", "", -5, ""};
  for (const spool_record& r : {make_record(1), empty_fields}) {
    const std::string bytes = encode_spool_record(r) + "junk" + encode_spool_record(r);
    const spool_item first = next_spool_item(bytes, 0);
    EXPECT_EQ(first.damage, spool_damage::none);
    EXPECT_EQ(first.record, r);
    const spool_item junk = next_spool_item(bytes, first.size);
    EXPECT_EQ(junk.damage, spool_damage::bad_header);
    EXPECT_EQ(junk.size, 4U);
    const spool_item second = next_spool_item(bytes, first.size + 4);
    EXPECT_EQ(second.record, r);
    EXPECT_EQ(first.size + junk.size + second.size, bytes.size());
  }
  EXPECT_EQ(next_spool_item("YSP", 0).damage, spool_damage::torn);
  EXPECT_EQ(next_spool_item("XYZ", 0).damage, spool_damage::bad_header);
}

TEST(spool_naming, names_and_cursor_round_trip) {
  EXPECT_EQ(spool_naming::segment_name(42), "spool-0000000000000042.log");
  EXPECT_EQ(spool_naming::parse_segment_name("spool-0000000000000042.log"), 42U);
  EXPECT_FALSE(spool_naming::parse_segment_name("spool-42.log"));
  EXPECT_FALSE(spool_naming::parse_segment_name("spool-00000000000000x2.log"));
  EXPECT_FALSE(spool_naming::parse_segment_name("quarantine-0000000000000001-0000000000000000.bin"));
  const auto cursor = spool_naming::parse_cursor(spool_naming::format_cursor(7, 1234));
  ASSERT_TRUE(cursor);
  EXPECT_EQ(cursor->first, 7U);
  EXPECT_EQ(cursor->second, 1234U);
  EXPECT_FALSE(spool_naming::parse_cursor("yorisoi-spool-cursor 1 7\n"));
  EXPECT_FALSE(spool_naming::parse_cursor("yorisoi-spool-cursor 1 7 12"));
}

}  // namespace
}  // namespace yorisoi::gateway
