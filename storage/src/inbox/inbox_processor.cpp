#include "inbox/inbox_processor.hpp"

#include "db/connection.hpp"
#include "inbox/inbox_batch.hpp"
#include "inbox/partition_leases.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <random>
#include <utility>

namespace yorisoi::storage::detail {

struct inbox_processor::worker {
  worker(const options& opts, const keyring& keys, const std::string& conninfo, unsigned seed)
      : leases(opts.inbox_partitions, seed),
        batch(opts, keys),
        conn(conninfo, [this](pqxx::connection& c) {
          // A fresh connection holds no locks: whatever the last one held went with it.
          leases.forget();
          partition_leases::prepare(c);
          inbox_batch::prepare(c);
        }) {}

  partition_leases leases;
  inbox_batch batch;
  db_connection conn;
  std::atomic<unsigned> held{0};
  job_thread thread;
};

inbox_processor::inbox_processor(const options& opts, const keyring& keys, std::string conninfo,
                                 std::function<void()> on_outbox)
    : opts_(opts), keys_(keys), conninfo_(std::move(conninfo)), on_outbox_(std::move(on_outbox)) {
  const unsigned n = opts.inbox_workers == 0 ? 1 : opts.inbox_workers;
  // Each worker starts its search for free partitions at its own place.
  const unsigned base = std::random_device{}();
  for (unsigned i = 0; i < n; ++i) {
    workers_.push_back(std::make_unique<worker>(opts, keys, conninfo_, base + i * 7919U));
  }
}

inbox_processor::~inbox_processor() {
  stop();
}

void inbox_processor::start() {
  for (auto& w : workers_) {
    w->thread.start([this, &w = *w] { run(w); });
  }
}

void inbox_processor::stop() {
  for (auto& w : workers_) {
    w->thread.stop();
  }
}

void inbox_processor::poke() {
  for (auto& w : workers_) {
    w->thread.wake();
  }
}

inbox_counters inbox_processor::counters() const {
  inbox_counters c;
  c.applied_ordinary = applied_ordinary_.load();
  c.applied_crisis = applied_crisis_.load();
  c.parked = parked_.load();
  for (const auto& w : workers_) {
    c.partitions_held += w->held.load();
  }
  c.partitions = opts_.inbox_partitions;
  return c;
}

void inbox_processor::run(worker& w) {
  const auto count = [this](const batch_outcome& b) {
    applied_ordinary_ += b.applied_ordinary;
    applied_crisis_ += b.applied_crisis;
    parked_ += b.parked;
    if (b.outbox_rows && on_outbox_) {
      try {
        on_outbox_();
      } catch (const std::exception& e) {
        spdlog::error("storage: outbox notifier threw: {}", e.what());
      }
    }
  };
  const std::size_t full = opts_.inbox_batch == 0 ? 1 : opts_.inbox_batch;
  do {
    try {
      // A full batch suggests more is waiting: keep going until the partitions are drained. The shares
      // are looked at before every batch, so a new instance gets its part while a backlog drains.
      for (;;) {
        pqxx::connection& conn = w.conn.get();
        w.leases.rebalance(conn);
        w.held = static_cast<unsigned>(w.leases.held().size());
        count(w.batch.run(conn, inbox_lane::crisis, w.leases.held(), w.leases.count()));
        const batch_outcome ordinary = w.batch.run(conn, inbox_lane::ordinary, w.leases.held(), w.leases.count());
        count(ordinary);
        if (ordinary.taken < full || w.thread.stopping()) {
          break;
        }
      }
    } catch (const std::exception& e) {
      spdlog::warn("storage: inbox processing paused: {}", e.what());
      w.conn.reset();
      w.leases.forget();
      w.held = 0;
    }
  } while (w.thread.wait(opts_.inbox_poll));
  // Gives the partitions back at once rather than when the processor is destroyed.
  w.conn.reset();
  w.leases.forget();
  w.held = 0;
}

}  // namespace yorisoi::storage::detail
