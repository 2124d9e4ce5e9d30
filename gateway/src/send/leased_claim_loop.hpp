#pragma once
// The claim loop shared by the senders of leased rows (the LINE outbox, the on-call alerts): on one
// strand, claim up to the free send slots from storage, start one send coroutine per claimed row, and
// claim again when a send finishes, when notify()d, or every poll interval. A send records its outcome
// itself (leases make a row whose sender died due again). stop() ends claiming; rows already claimed
// are still sent, and `drained` runs once none is in flight.
//
// Thread-safety: notify() and stop() from any thread; start() once. The loop must outlive its
// coroutines: its owner keeps it until `drained` has run (or the io_context has stopped).

#include "yorisoi/gateway/line_outcome.hpp"
#include "yorisoi/storage/service.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace yorisoi::gateway {

// How a send's outcome is recorded in storage (the outbox and the alerts share the states).
[[nodiscard]] inline storage::outbox_outcome to_storage(send_outcome outcome) {
  switch (outcome) {
    case send_outcome::sent:
      return storage::outbox_outcome::sent;
    case send_outcome::retry:
      return storage::outbox_outcome::retry;
    case send_outcome::failed:
      return storage::outbox_outcome::failed;
  }
  return storage::outbox_outcome::retry;
}

template <typename Item>
class leased_claim_loop {
 public:
  using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;
  // Claims up to `limit` due rows; nothing when storage could not answer.
  using claim_fn = std::function<boost::asio::awaitable<std::optional<std::vector<Item>>>(std::size_t limit)>;
  using send_fn = std::function<boost::asio::awaitable<void>(Item)>;

  struct spec {
    std::string name;  // for log lines: "outbox", "alert"
    std::size_t max_in_flight = 8;
    std::chrono::milliseconds poll{1000};
    claim_fn claim;
    send_fn send;
    std::function<void()> close_idle;  // after the last send, before `drained`
  };

  leased_claim_loop(strand_type strand, spec s)
      : strand_(std::move(strand)), wake_(strand_), spec_(std::move(s)) {}

  void start() {
    boost::asio::co_spawn(strand_, run(), [name = spec_.name](const std::exception_ptr& error) {
      if (error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          spdlog::error("{} sender stopped: {}", name, e.what());
        }
      }
    });
  }

  void notify() {
    boost::asio::post(strand_, [this] { wake_up(); });
  }

  void stop(std::function<void()> drained) {
    boost::asio::post(strand_, [this, drained = std::move(drained)]() mutable {
      stopping_ = true;
      drained_ = std::move(drained);
      wake_.cancel();
      check_drained();
    });
  }

 private:
  void wake_up() {
    woken_ = true;
    wake_.cancel();
  }

  void check_drained() {
    if (stopping_ && loop_done_ && in_flight_ == 0 && drained_) {
      if (spec_.close_idle) {
        spec_.close_idle();
      }
      auto done = std::move(drained_);
      drained_ = nullptr;
      done();
    }
  }

  boost::asio::awaitable<void> run() {
    loop_done_ = false;
    while (!stopping_) {
      woken_ = false;
      if (in_flight_ < spec_.max_in_flight) {
        const std::size_t free = spec_.max_in_flight - in_flight_;
        auto items = co_await spec_.claim(free);
        if (!items) {
          spdlog::warn("{}: claim failed (database unavailable); next try in {} ms", spec_.name,
                       spec_.poll.count());
        } else {
          // Claimed rows are sent even when stopping meanwhile: they are leased to us.
          for (auto& item : *items) {
            ++in_flight_;
            boost::asio::co_spawn(strand_, send_and_release(std::move(item)), boost::asio::detached);
          }
          if (items->size() == free && !stopping_) {
            continue;  // there may be more due rows; the sends just started free no slot yet
          }
        }
      }
      if (woken_ || stopping_) {
        continue;
      }
      wake_.expires_after(spec_.poll);
      (void)co_await wake_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    loop_done_ = true;
    check_drained();
  }

  boost::asio::awaitable<void> send_and_release(Item item) {
    co_await spec_.send(std::move(item));
    --in_flight_;
    wake_up();
    check_drained();
  }

  strand_type strand_;
  boost::asio::steady_timer wake_;
  spec spec_;
  // Strand only.
  bool woken_ = false;
  bool stopping_ = false;
  bool loop_done_ = true;  // no claim loop running (start() not called yet, or it ended)
  std::size_t in_flight_ = 0;
  std::function<void()> drained_;
};

}  // namespace yorisoi::gateway
