#include "load/request_producer.hpp"

#include <algorithm>

namespace yorisoi::bench {

request_producer::request_producer(line_request_builder::settings settings, unsigned events_per_request,
                                   std::size_t budget_bytes, std::uint64_t target_requests,
                                   std::uint64_t total_requests)
    : builder_(std::move(settings)),
      events_per_request_(events_per_request),
      budget_bytes_(budget_bytes),
      target_requests_(std::max<std::uint64_t>(target_requests, requests_per_block)),
      total_requests_(total_requests) {}

request_producer::~request_producer() {
  stop();
}

void request_producer::start() {
  thread_ = std::thread([this] { run(); });
}

// Hysteresis: fill to the target, then stay idle until the queue is down to an eighth of it.
bool request_producer::should_build_locked() {
  const bool full = ready_bytes_ >= budget_bytes_ || ready_requests_ >= target_requests_;
  const bool low = ready_bytes_ < budget_bytes_ / 8 && ready_requests_ < target_requests_ / 8;
  if (full) {
    filling_ = false;
    prefilled_ = true;
  } else if (low) {
    filling_ = true;
  }
  return filling_ && !done_building_locked();
}

bool request_producer::done_building_locked() const {
  return total_requests_ != 0 && built_ >= total_requests_;
}

void request_producer::wait_prefilled() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return stopping_ || prefilled_ || done_building_locked(); });
}

std::unique_ptr<request_block> request_producer::take() {
  std::unique_ptr<request_block> block;
  {
    std::lock_guard lock(mutex_);
    if (ready_.empty()) {
      return nullptr;
    }
    block = std::move(ready_.front());
    ready_.pop_front();
    ready_bytes_ -= block->bytes.size();
    ready_requests_ -= block->entries.size();
  }
  changed_.notify_all();
  return block;
}

bool request_producer::finished() const {
  std::lock_guard lock(mutex_);
  return ready_.empty() && done_building_locked();
}

std::uint64_t request_producer::built_requests() const {
  std::lock_guard lock(mutex_);
  return built_;
}

void request_producer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void request_producer::run() {
  std::uint64_t next_request = 0;
  for (;;) {
    std::uint64_t count = requests_per_block;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || done_building_locked() || should_build_locked(); });
      if (stopping_ || done_building_locked()) {
        changed_.notify_all();
        return;
      }
      if (total_requests_ != 0) {
        count = std::min<std::uint64_t>(count, total_requests_ - built_);
      }
    }
    // Built outside the lock: senders only ever wait for the pointer hand-over.
    auto block = std::make_unique<request_block>();
    block->entries.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint64_t first_event_id = (next_request + i) * events_per_request_;
      const auto offset = block->bytes.size();
      builder_.append_request(first_event_id, events_per_request_, block->bytes);
      block->entries.push_back({static_cast<std::uint32_t>(offset),
                                static_cast<std::uint32_t>(block->bytes.size() - offset), first_event_id});
    }
    next_request += count;
    {
      std::lock_guard lock(mutex_);
      ready_bytes_ += block->bytes.size();
      ready_requests_ += count;
      ready_.push_back(std::move(block));
      built_ += count;
      (void)should_build_locked();  // marks prefilled_ for wait_prefilled() once full
    }
    changed_.notify_all();
  }
}

}  // namespace yorisoi::bench
