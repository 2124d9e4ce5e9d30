// The spool's background replayer: passes at start and after appends, backoff while the database
// is away, retry_now, prompt stop. Waits on conditions with a deadline, never on fixed sleeps.
#include "spool/spool_replayer.hpp"
#include "spool/spool_naming.hpp"
#include "spool_test_support.hpp"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace yorisoi::gateway {
namespace {

using namespace spool_test;
using namespace std::chrono_literals;

// What the fake database received, and a way to wait for it.
struct fake_database {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<spool_record> stored;
  int refuse_next = 0;  // answer retry_later this many times
  int calls = 0;

  spool_delivery deliver(const spool_record& r) {
    std::lock_guard lock(mutex);
    ++calls;
    if (refuse_next > 0) {
      --refuse_next;
      changed.notify_all();
      return spool_delivery::retry_later;
    }
    stored.push_back(r);
    changed.notify_all();
    return spool_delivery::stored;
  }

  bool wait_for_stored(std::size_t count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return stored.size() >= count; });
  }
  bool wait_for_calls(int count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return calls >= count; });
  }
};

spool_replayer_options quick(std::chrono::milliseconds first_retry) {
  spool_replayer_options options;
  options.first_retry = first_retry;
  options.max_retry = first_retry * 4;
  options.idle_check = 1h;  // only explicit wakes in these tests
  return options;
}

TEST(spool_replayer, replays_what_was_left_at_start_and_what_is_appended_later) {
  temp_dir dir;
  auto s = spool::open(options_for(dir));
  ASSERT_EQ(s->append(make_record(0)), spool_append_status::stored);
  fake_database db;
  spool_replayer replayer(
      *s, [&](const spool_record& r) { return db.deliver(r); }, quick(1ms));
  replayer.start();
  ASSERT_TRUE(db.wait_for_stored(1));
  ASSERT_EQ(s->append(make_record(1)), spool_append_status::stored);
  replayer.notify_appended();
  ASSERT_TRUE(db.wait_for_stored(2));
  replayer.stop();
  EXPECT_EQ(db.stored[0], make_record(0));
  EXPECT_EQ(db.stored[1], make_record(1));
  EXPECT_TRUE(s->empty());
}

TEST(spool_replayer, keeps_retrying_with_backoff_until_the_database_takes_the_records) {
  temp_dir dir;
  auto s = spool::open(options_for(dir));
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(s->append(make_record(i)), spool_append_status::stored);
  }
  fake_database db;
  db.refuse_next = 5;
  spool_replayer replayer(
      *s, [&](const spool_record& r) { return db.deliver(r); }, quick(1ms));
  replayer.start();
  ASSERT_TRUE(db.wait_for_stored(3));
  replayer.stop();
  EXPECT_GE(replayer.passes(), 6U);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(db.stored[i], make_record(i));
  }
}

TEST(spool_replayer, retry_now_ends_an_hour_long_backoff_at_once) {
  temp_dir dir;
  auto s = spool::open(options_for(dir));
  ASSERT_EQ(s->append(make_record(0)), spool_append_status::stored);
  fake_database db;
  db.refuse_next = 1;
  spool_replayer replayer(
      *s, [&](const spool_record& r) { return db.deliver(r); }, quick(1h));
  replayer.start();
  ASSERT_TRUE(db.wait_for_calls(1));  // refused: now backing off for an hour
  ASSERT_EQ(s->append(make_record(1)), spool_append_status::stored);
  replayer.notify_appended();
  replayer.retry_now();
  ASSERT_TRUE(db.wait_for_stored(2));
  replayer.stop();
  EXPECT_EQ(db.calls, 3);
  EXPECT_EQ(db.stored[0], make_record(0));
}

TEST(spool_replayer, stops_promptly_while_idle_or_backing_off) {
  temp_dir dir;
  auto s = spool::open(options_for(dir));
  fake_database db;
  {
    spool_replayer idle(
        *s, [&](const spool_record& r) { return db.deliver(r); }, quick(1h));
    idle.start();
  }  // the destructor stops it; an hour-long wait must not hold it
  ASSERT_EQ(s->append(make_record(0)), spool_append_status::stored);
  db.refuse_next = 1;
  spool_replayer backing_off(
      *s, [&](const spool_record& r) { return db.deliver(r); }, quick(1h));
  backing_off.start();
  ASSERT_TRUE(db.wait_for_calls(1));
  const auto before = std::chrono::steady_clock::now();
  backing_off.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
  EXPECT_EQ(s->depth().records, 1U);
}

TEST(spool_replayer, a_pass_deletes_quarantine_files_older_than_the_keeping_time) {
  temp_dir dir;
  const auto now = std::filesystem::file_time_type::clock::now();
  const auto old_file = dir.path() / spool_naming::quarantine_name(1, 0);
  const auto recent_file = dir.path() / spool_naming::quarantine_name(1, 100);
  for (const auto& path : {old_file, recent_file}) {
    std::ofstream(path) << "sealed bytes";
  }
  std::filesystem::last_write_time(old_file, now - 24h * 30);
  std::filesystem::last_write_time(recent_file, now - 24h);

  auto s = spool::open(options_for(dir));
  ASSERT_EQ(s->append(make_record(0)), spool_append_status::stored);
  fake_database db;
  spool_replayer_options options = quick(1h);
  options.quarantine_age = 24h * 14;
  spool_replayer replayer(
      *s, [&](const spool_record& r) { return db.deliver(r); }, options);
  replayer.start();
  ASSERT_TRUE(db.wait_for_stored(1));
  replayer.stop();  // returns once the pass, its purge included, has ended
  EXPECT_FALSE(std::filesystem::exists(old_file));
  EXPECT_TRUE(std::filesystem::exists(recent_file));
}

}  // namespace
}  // namespace yorisoi::gateway
