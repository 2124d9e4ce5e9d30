#include "yorisoi/storage/job_thread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>

namespace {

using yorisoi::storage::job_thread;
using namespace std::chrono_literals;

TEST(JobThread, AWakeBeforeTheWaitIsNotLost) {
  job_thread job;
  job.wake(2U);
  std::promise<std::optional<job_thread::signals>> seen;
  job.start([&] { seen.set_value(job.wait(1h)); });
  const auto got = seen.get_future().get();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, 2U);
}

TEST(JobThread, SignalsOutsideTheMaskWaitForTheTimeoutButAreReturned) {
  job_thread job;
  job.wake(1U);
  std::promise<std::optional<job_thread::signals>> seen;
  job.start([&] { seen.set_value(job.wait(1ms, 2U)); });
  const auto got = seen.get_future().get();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, 1U);  // returned (and cleared) once the timeout passed
}

TEST(JobThread, StopEndsAWaitUnderWay) {
  job_thread job;
  std::promise<void> waiting;
  std::optional<job_thread::signals> result = 0U;
  job.start([&] {
    waiting.set_value();
    result = job.wait(24h);
  });
  waiting.get_future().get();
  job.stop();  // returns only after the body ended
  EXPECT_FALSE(result.has_value());
  EXPECT_TRUE(job.stopping());
}

TEST(JobThread, StartsOnceAndNeverAfterStop) {
  std::atomic<int> runs{0};
  {
    job_thread job;
    job.start([&] { ++runs; });
    job.start([&] { ++runs; });
    job.stop();
    job.start([&] { ++runs; });
  }
  EXPECT_EQ(runs.load(), 1);
  job_thread stopped_first;
  stopped_first.stop();
  stopped_first.start([&] { ++runs; });
  stopped_first.stop();
  EXPECT_EQ(runs.load(), 1);
}

TEST(JobThread, EachWakeIsSeenByExactlyOneWait) {
  job_thread job;
  std::promise<std::pair<std::optional<job_thread::signals>, std::optional<job_thread::signals>>> seen;
  job.wake();
  job.start([&] {
    const auto first = job.wait(1h);
    const auto second = job.wait(1ms);  // nothing pending: the timeout, no signal
    seen.set_value({first, second});
  });
  const auto [first, second] = seen.get_future().get();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, job_thread::poked);
  EXPECT_EQ(*second, 0U);
}

}  // namespace
