#pragma once
// The transactional inbox's consumer: one thread that applies stored webhook events in arrival order.
//
// Woken after each ingest commit, and every `poll` anyway (events written by other instances).
// Only one instance applies events at a time (a transaction-scoped advisory lock), so a resident's
// events are never applied out of order by two processes. A payload that cannot be opened or parsed,
// or that the database rejects, is marked with process_error and never blocks the queue.
//
// Thread-safety: poke() from any thread; start()/stop() from one.

#include "yorisoi/storage/crypto.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

namespace yorisoi::storage::detail {

class db_connection;

class inbox_processor {
 public:
  // `keys` must outlive the processor.
  inbox_processor(const keyring& keys, std::string conninfo, std::chrono::milliseconds poll,
                  std::size_t batch);
  ~inbox_processor();
  inbox_processor(const inbox_processor&) = delete;
  inbox_processor& operator=(const inbox_processor&) = delete;

  void start();
  // Finishes the batch in progress (if any) and joins; unprocessed rows wait for the next start.
  void stop();
  void poke();

 private:
  void run();
  // Applies up to batch_ events in one transaction; returns how many rows it took.
  std::size_t process_batch(db_connection& conn);
  [[nodiscard]] bool stopping() const;

  const keyring& keys_;
  std::string conninfo_;
  std::chrono::milliseconds poll_;
  std::size_t batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool poked_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace yorisoi::storage::detail
