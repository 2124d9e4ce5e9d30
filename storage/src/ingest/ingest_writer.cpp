#include "ingest/ingest_writer.hpp"

#include "db/connection.hpp"
#include "ingest/ingest_batch.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace yorisoi::storage::detail {
namespace {

void answer(const ingest_writer::callback& done, ingest_result result) {
  try {
    done(result);
  } catch (const std::exception& e) {
    spdlog::error("storage: ingest callback threw: {}", e.what());
  }
}

}  // namespace

ingest_writer::ingest_writer(const options& opts, const keyring& keys, std::string conninfo,
                             std::function<void()> on_commit)
    : opts_(opts), keys_(keys), conninfo_(std::move(conninfo)), on_commit_(std::move(on_commit)) {}

ingest_writer::~ingest_writer() {
  stop();
}

void ingest_writer::set_observer(observer obs) {
  observer_ = std::move(obs);
}

void ingest_writer::start() {
  std::lock_guard lock(mutex_);
  if (running_ || stopping_) {
    return;
  }
  running_ = true;
  const unsigned n = opts_.ingest_workers == 0 ? 1 : opts_.ingest_workers;
  for (unsigned i = 0; i < n; ++i) {
    threads_.emplace_back([this] { run(); });
  }
}

void ingest_writer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) {
      t.join();
    }
  }
  threads_.clear();
}

void ingest_writer::submit(ingest_request request, callback done) {
  std::vector<ingest_request> one;
  one.push_back(std::move(request));
  submit_all(std::move(one), std::move(done));
}

void ingest_writer::submit_all(std::vector<ingest_request> requests, callback done) {
  std::size_t events = 0;
  for (const ingest_request& r : requests) {
    events += r.events.size();
  }
  {
    std::lock_guard lock(mutex_);
    if (running_ && !stopping_) {
      queued_events_ += events;
      queue_.push_back(pending{std::move(requests), events, std::move(done), std::chrono::steady_clock::now()});
      wake_.notify_one();
      return;
    }
  }
  answer(done, ingest_result{ingest_outcome::unavailable, 0, 0});
}

std::size_t ingest_writer::queued_events() const {
  std::lock_guard lock(mutex_);
  return queued_events_;
}

bool ingest_writer::take(std::vector<pending>& batch, std::vector<pending>& expired) {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
  // Queued since before the deadline: the caller's answer would come too late to matter.
  const auto deadline = std::chrono::steady_clock::now() - opts_.ingest_max_wait;
  while (!queue_.empty() && queue_.front().queued_at < deadline) {
    queued_events_ -= queue_.front().events;
    expired.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (queue_.empty()) {
    return !expired.empty() || !stopping_;
  }
  // Everything queued, bounded by the batch size; an oversized request still goes alone.
  std::size_t events = 0;
  do {
    events += queue_.front().events;
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  } while (!queue_.empty() && events + queue_.front().events <= opts_.ingest_max_batch);
  queued_events_ -= events;
  return true;
}

void ingest_writer::run() {
  db_connection conn(conninfo_, &ingest_batch::prepare);
  ingest_batch writer(keys_, opts_.tenant_rules);
  std::vector<pending> batch;
  std::vector<const ingest_request*> requests;
  const std::vector<std::size_t> none;
  std::vector<pending> expired;
  while (take(batch, expired)) {
    if (!expired.empty()) {
      spdlog::warn("storage: {} ingest requests waited too long for a writer; answered unavailable",
                   expired.size());
      for (const pending& p : expired) {
        answer(p.done, ingest_result{ingest_outcome::unavailable, 0, 0});
      }
      expired.clear();
    }
    if (batch.empty()) {
      continue;
    }
    const auto started = std::chrono::steady_clock::now();
    requests.clear();
    std::size_t events = 0;
    for (const pending& p : batch) {
      for (const ingest_request& r : p.requests) {
        requests.push_back(&r);
      }
      events += p.events;
    }
    bool committed = false;
    try {
      // Only empty requests (LINE's verification call): nothing to make durable, no round trip.
      const std::vector<std::size_t>& inserted = events == 0 ? none : writer.write(conn.get(), requests);
      committed = true;
      std::size_t at = 0;  // index of the pending's first request in `requests`
      for (const pending& p : batch) {
        std::size_t n = 0;
        for (std::size_t i = 0; i < p.requests.size(); ++i) {
          n += events == 0 ? 0 : inserted[at + i];
        }
        at += p.requests.size();
        answer(p.done, ingest_result{ingest_outcome::stored, n, p.events - n});
      }
    } catch (const std::exception& e) {
      spdlog::warn("storage: ingest batch of {} requests / {} events not stored: {}", batch.size(), events,
                   e.what());
      conn.reset();
      for (const pending& p : batch) {
        answer(p.done, ingest_result{ingest_outcome::unavailable, 0, 0});
      }
    }
    if (committed && events > 0 && on_commit_) {
      on_commit_();
    }
    if (observer_) {
      batch_report report;
      report.requests = requests.size();
      report.events = events;
      report.duration =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
      report.committed = committed;
      try {
        observer_(report);
      } catch (const std::exception& e) {
        spdlog::error("storage: batch observer threw: {}", e.what());
      }
    }
    batch.clear();
  }
}

}  // namespace yorisoi::storage::detail
