#pragma once
// Group commit for webhook intake.
//
// Requests from every network thread go into one queue. Each writer thread takes everything queued
// (up to ingest_max_batch events), writes it with one multi-row statement on its own connection,
// and only after that statement's COMMIT answers each request. While one writer commits, new
// requests pile up and become the next writer's batch, so the number of commits grows far slower
// than the number of requests.
//
// Thread-safety: submit() and queued_events() from any thread; start()/stop() from one.

#include "yorisoi/storage/crypto.hpp"
#include "yorisoi/storage/service.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace yorisoi::storage::detail {

class ingest_writer {
 public:
  using callback = std::function<void(ingest_result)>;
  using observer = std::function<void(const batch_report&)>;

  // `keys` must outlive the writer; `on_commit` runs on a writer thread after each commit.
  ingest_writer(const options& opts, const keyring& keys, std::string conninfo,
                std::function<void()> on_commit);
  ~ingest_writer();
  ingest_writer(const ingest_writer&) = delete;
  ingest_writer& operator=(const ingest_writer&) = delete;

  void set_observer(observer obs);  // before start()
  void start();
  // Writes every request already queued, then joins the writers.
  void stop();

  // After stop(), answers `unavailable` at once, on the caller's thread.
  void submit(ingest_request request, callback done);
  // The requests go into one commit together (never split across two), in order: all are stored or
  // none; `done` gets the sums. For the spool's replay, which must not store a later record while an
  // earlier one failed.
  void submit_all(std::vector<ingest_request> requests, callback done);

  [[nodiscard]] std::size_t queued_events() const;

 private:
  struct pending {
    std::vector<ingest_request> requests;  // usually one
    std::size_t events = 0;
    callback done;
    std::chrono::steady_clock::time_point queued_at;
  };

  void run();
  // Blocks for work; false when stopping and nothing is left. Requests queued for longer than
  // ingest_max_wait are moved to `expired` instead of `batch`.
  bool take(std::vector<pending>& batch, std::vector<pending>& expired);

  const options& opts_;
  const keyring& keys_;
  std::string conninfo_;
  std::function<void()> on_commit_;
  observer observer_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<pending> queue_;
  std::size_t queued_events_ = 0;
  bool running_ = false;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace yorisoi::storage::detail
