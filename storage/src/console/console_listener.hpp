#pragma once
// The console's live feed: one thread with its own connection LISTENing on yorisoi_console (payload:
// a console_event id) and yorisoi_session (payload: a user id). Notified events are read back from
// console_event in one query per wake-up; after a lost connection, the rows written meanwhile are read
// (at most catch_up_limit) before listening resumes, so a short outage loses no hint.
//
// Thread-safety: constructed and stopped by one owner; the callbacks run on the listener thread.

#include "yorisoi/storage/console.hpp"
#include "yorisoi/storage/job_thread.hpp"

#include <functional>
#include <string>

namespace yorisoi::storage {

struct console_store::listener {
  using event_fn = std::function<void(const console_event&)>;
  using session_fn = std::function<void(const std::string&)>;

  static constexpr std::size_t catch_up_limit = 1000;

  listener(std::string conninfo, event_fn on_event, session_fn on_session_ended);
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  // Returns within about one wait period (200 ms); idempotent.
  void stop();

 private:
  void run();

  std::string conninfo_;
  event_fn on_event_;
  session_fn on_session_ended_;
  job_thread thread_;
};

}  // namespace yorisoi::storage
