// The webhook spool: append, reopen, replay in order, resume, bounds, rollover, concurrency, quarantine
// purge.
#include "spool/spool_naming.hpp"
#include "spool_test_support.hpp"

#include <fstream>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

namespace yorisoi::gateway {
namespace {

using namespace spool_test;

TEST(spool, append_reopen_replay_gives_the_same_records_in_order) {
  temp_dir dir;
  {
    auto s = spool::open(options_for(dir));
    EXPECT_TRUE(s->empty());
    for (int i = 0; i < 10; ++i) {
      ASSERT_EQ(s->append(make_record(i)), spool_append_status::stored);
    }
    EXPECT_EQ(s->depth().records, 10U);
  }
  auto s = spool::open(options_for(dir));
  EXPECT_EQ(s->depth().records, 10U);
  spool_replay_result result;
  const auto got = drain(*s, &result);
  ASSERT_EQ(got.size(), 10U);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(got[i], make_record(i));
  }
  EXPECT_EQ(result.replayed, 10U);
  EXPECT_EQ(result.remaining, 0U);
  EXPECT_EQ(result.corrupt, 0U);
  EXPECT_FALSE(result.stopped);
  EXPECT_FALSE(result.io_error);
  EXPECT_TRUE(s->empty());
  EXPECT_EQ(s->depth().bytes, 0U);
  // The fully replayed segment is gone: its space is back.
  EXPECT_EQ(s->stats().used_bytes, 0U);
  EXPECT_TRUE(files_named(dir.path(), "spool-").empty());
  EXPECT_TRUE(drain(*s).empty());
}

TEST(spool, a_refusing_callback_stops_the_pass_and_a_later_pass_resumes) {
  temp_dir dir;
  auto s = spool::open(options_for(dir));
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(s->append(make_record(i)), spool_append_status::stored);
  }
  std::vector<spool_record> got;
  const auto first = s->replay_once([&](const spool_record& r) {
    if (got.size() == 2) {
      return spool_delivery::retry_later;  // the database went away again
    }
    got.push_back(r);
    return spool_delivery::stored;
  });
  EXPECT_TRUE(first.stopped);
  EXPECT_EQ(first.replayed, 2U);
  EXPECT_EQ(first.remaining, 4U);
  EXPECT_EQ(s->depth().records, 4U);

  // Appends keep arriving while the database is away; they queue behind the older records.
  ASSERT_EQ(s->append(make_record(6)), spool_append_status::stored);
  const auto second = s->replay_once([&](const spool_record& r) {
    got.push_back(r);
    return spool_delivery::stored;
  });
  EXPECT_FALSE(second.stopped);
  EXPECT_EQ(second.replayed, 5U);
  ASSERT_EQ(got.size(), 7U);
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(got[i], make_record(i)) << i;
  }
}

TEST(spool, the_cursor_survives_a_reopen) {
  temp_dir dir;
  {
    auto s = spool::open(options_for(dir));
    for (int i = 0; i < 5; ++i) {
      ASSERT_EQ(s->append(make_record(i)), spool_append_status::stored);
    }
    int taken = 0;
    (void)s->replay_once([&](const spool_record&) { return stored_if(++taken <= 3); });
  }
  auto s = spool::open(options_for(dir));
  EXPECT_EQ(s->depth().records, 2U);
  const auto got = drain(*s);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0], make_record(3));
  EXPECT_EQ(got[1], make_record(4));
  // Appends after the reopen go on from where the file ended.
  ASSERT_EQ(s->append(make_record(5)), spool_append_status::stored);
  const auto more = drain(*s);
  ASSERT_EQ(more.size(), 1U);
  EXPECT_EQ(more[0], make_record(5));
}

TEST(spool, full_is_refused_and_replay_gives_the_space_back) {
  temp_dir dir;
  spool_options options = options_for(dir);
  options.max_bytes = record_size(0) + record_size(1) + record_size(2);
  auto s = spool::open(options);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(s->append(make_record(i)), spool_append_status::stored);
  }
  EXPECT_EQ(s->append(make_record(3)), spool_append_status::full);
  EXPECT_EQ(s->depth().records, 3U);
  EXPECT_EQ(drain(*s).size(), 3U);
  EXPECT_EQ(s->append(make_record(3)), spool_append_status::stored);
  const auto got = drain(*s);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0], make_record(3));
}

TEST(spool, segments_roll_over_and_replay_crosses_them_in_order) {
  temp_dir dir;
  spool_options options = options_for(dir);
  options.segment_bytes = 3 * record_size(0);  // about three records per segment
  {
    auto s = spool::open(options);
    for (int i = 0; i < 20; ++i) {
      ASSERT_EQ(s->append(make_record(i)), spool_append_status::stored);
    }
    EXPECT_GE(files_named(dir.path(), "spool-").size(), 6U);
    // Replay part of it, across a segment boundary.
    int taken = 0;
    (void)s->replay_once([&](const spool_record&) { return stored_if(++taken <= 7); });
  }
  auto s = spool::open(options);
  EXPECT_EQ(s->depth().records, 13U);
  ASSERT_EQ(s->append(make_record(20)), spool_append_status::stored);
  const auto got = drain(*s);
  ASSERT_EQ(got.size(), 14U);
  for (int i = 0; i < 14; ++i) {
    EXPECT_EQ(got[i], make_record(i + 7)) << i;
  }
  EXPECT_TRUE(files_named(dir.path(), "spool-").empty());
  EXPECT_EQ(s->stats().used_bytes, 0U);
}

TEST(spool, concurrent_appends_from_four_threads_replay_exactly_once_in_each_threads_order) {
  temp_dir dir;
  spool_options options = options_for(dir);
  options.segment_bytes = 4096;  // several rollovers under contention
  auto s = spool::open(options);
  constexpr int threads = 4;
  constexpr int per_thread = 150;
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        if (s->append(make_record(i, "tenant-" + std::to_string(t))) != spool_append_status::stored) {
          ++failures;
        }
      }
    });
  }
  // Replay runs alongside the appends, as it will in the gateway.
  std::vector<spool_record> got;
  while (got.size() < threads * per_thread) {
    const auto result = s->replay_once([&](const spool_record& r) {
      got.push_back(r);
      return spool_delivery::stored;
    });
    ASSERT_FALSE(result.io_error);
    ASSERT_EQ(result.corrupt, 0U);
    if (failures > 0) {
      break;
    }
    std::this_thread::yield();
  }
  for (auto& w : workers) {
    w.join();
  }
  ASSERT_EQ(failures, 0);
  const auto rest = drain(*s);
  got.insert(got.end(), rest.begin(), rest.end());
  ASSERT_EQ(got.size(), static_cast<std::size_t>(threads * per_thread));
  std::vector<int> next(threads, 0);
  for (const auto& r : got) {
    const int t = std::stoi(r.tenant_id.substr(std::string("tenant-").size()));
    EXPECT_EQ(r, make_record(next[t], r.tenant_id));
    ++next[t];
  }
  EXPECT_TRUE(s->empty());
}

TEST(spool, a_segment_left_behind_by_a_crash_after_the_cursor_moved_is_not_replayed_again) {
  temp_dir dir;
  spool_options options = options_for(dir);
  options.segment_bytes = 2 * record_size(0);  // two records per segment
  const std::filesystem::path first = dir.path() / spool_naming::segment_name(1);
  std::filesystem::path saved = dir.path().parent_path() / (dir.path().filename().string() + "-segment-1");
  {
    auto s = spool::open(options);
    for (int i = 0; i < 6; ++i) {
      ASSERT_EQ(s->append(make_record(i)), spool_append_status::stored);
    }
    std::filesystem::copy_file(first, saved);
    int taken = 0;
    (void)s->replay_once([&](const spool_record&) { return stored_if(++taken <= 3); });
    ASSERT_FALSE(std::filesystem::exists(first));
  }
  // As if the process died after writing the cursor but before unlinking the segment.
  std::filesystem::rename(saved, first);
  auto s = spool::open(options);
  EXPECT_FALSE(std::filesystem::exists(first));
  EXPECT_EQ(s->depth().records, 3U);
  const auto got = drain(*s);
  ASSERT_EQ(got.size(), 3U);
  EXPECT_EQ(got[0], make_record(3));
}

TEST(spool, an_unreadable_cursor_replays_from_the_oldest_record_rather_than_skip_any) {
  temp_dir dir;
  {
    auto s = spool::open(options_for(dir));
    for (int i = 0; i < 4; ++i) {
      ASSERT_EQ(s->append(make_record(i)), spool_append_status::stored);
    }
    int taken = 0;
    (void)s->replay_once([&](const spool_record&) { return stored_if(++taken <= 2); });
  }
  {
    std::ofstream cursor(dir.path() / spool_naming::cursor_name, std::ios::trunc);
    cursor << "garbage";
  }
  auto s = spool::open(options_for(dir));
  const auto got = drain(*s);
  ASSERT_EQ(got.size(), 4U);  // two repeats, which ingest ignores by webhookEventId
  EXPECT_EQ(got[0], make_record(0));
  EXPECT_EQ(got[3], make_record(3));
}

TEST(spool, a_second_owner_of_the_directory_is_refused) {
  temp_dir dir;
  auto s = spool::open(options_for(dir));
  EXPECT_THROW((void)spool::open(options_for(dir)), std::system_error);
}

TEST(spool, records_that_cannot_be_encoded_fail) {
  temp_dir dir;
  auto s = spool::open(options_for(dir));
  spool_record r = make_record(0);
  r.tenant_id.assign(spool_max_id_size + 1, 't');
  EXPECT_EQ(s->append(r), spool_append_status::failed);
  EXPECT_TRUE(s->empty());
}

TEST(spool, quarantine_files_modified_before_the_cutoff_are_purged_and_nothing_else) {
  temp_dir dir;
  auto s = spool::open(options_for(dir));
  ASSERT_EQ(s->append(make_record(0)), spool_append_status::stored);
  // A fixed point in time: the purge compares modification times with the cutoff it is given.
  const std::filesystem::file_time_type t0{std::chrono::hours(24 * 365 * 50)};
  const auto day = std::chrono::hours(24);
  const auto stale = dir.path() / spool_naming::quarantine_name(1, 0);
  const auto fresh = dir.path() / spool_naming::quarantine_name(1, 64);
  for (const auto& path : {stale, fresh}) {
    std::ofstream(path) << "sealed bytes";
  }
  std::filesystem::last_write_time(stale, t0 - 15 * day);
  std::filesystem::last_write_time(fresh, t0 - 13 * day);
  const auto segment = dir.path() / spool_naming::segment_name(1);
  std::filesystem::last_write_time(segment, t0 - 100 * day);  // not quarantine: never purged

  EXPECT_EQ(s->purge_quarantine(t0 - 14 * day), 1U);
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(fresh));
  EXPECT_TRUE(std::filesystem::exists(segment));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "lock"));
  EXPECT_EQ(s->purge_quarantine(t0 - 14 * day), 0U);
  EXPECT_EQ(drain(*s).size(), 1U);
}

}  // namespace
}  // namespace yorisoi::gateway
