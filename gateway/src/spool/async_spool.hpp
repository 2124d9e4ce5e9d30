#pragma once
// The webhook's two durable writes as awaitable operations:
//  - async_spool_append: spool::append (which blocks in fdatasync) on a small thread pool owned by
//    the server, the status posted back to the awaiting operation's executor (the session's strand),
//    so that no network thread ever waits for the disk;
//  - async_ingest_within: storage's ingest with a deadline of its own, so that a webhook whose
//    direct ingest is stuck still has time to be spooled within LINE's 2 s. A late ingest that
//    still commits is harmless: the spooled copy is deduplicated by webhookEventId on replay.
// Both keep the caller's io_context alive (work guard) until they complete. `target`, `pool` and
// `store` must outlive the operations.

#include "spool/spool.hpp"
#include "yorisoi/storage/service.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <utility>

namespace yorisoi::gateway {

template <typename CompletionToken>
auto async_spool_append(boost::asio::thread_pool& pool, spool& target, spool_record record,
                        CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(spool_append_status)>(
      [&pool, &target](auto handler, spool_record rec) {
        auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
        boost::asio::post(pool, [&target, rec = std::move(rec), handler = std::move(handler),
                                 work = std::move(work)]() mutable {
          spool_append_status status = spool_append_status::failed;
          try {
            status = target.append(rec);
          } catch (const std::exception&) {
            status = spool_append_status::failed;  // bad_alloc and the like: 503, LINE redelivers
          }
          auto executor = work.get_executor();
          boost::asio::post(executor, [handler = std::move(handler), work = std::move(work),
                                       status]() mutable { std::move(handler)(status); });
        });
      },
      token, std::move(record));
}

namespace detail {

template <typename Handler>
void ingest_within(storage::service& store, storage::ingest_request request,
                   std::chrono::milliseconds deadline, Handler handler) {
  auto executor = boost::asio::get_associated_executor(handler);
  using executor_type = decltype(executor);
  // Everything below runs on `executor` (the session's strand) except the storage callback, which
  // only posts; `finished` keeps the second of the two completions (deadline, ingest) from running.
  struct state {
    state(Handler h, const executor_type& ex)
        : handler(std::move(h)), work(boost::asio::make_work_guard(ex)), timer(ex) {}
    Handler handler;
    boost::asio::executor_work_guard<executor_type> work;
    boost::asio::steady_timer timer;
    std::atomic<bool> finished{false};
  };
  auto shared = std::make_shared<state>(std::move(handler), executor);
  auto finish = [shared](storage::ingest_result result) {
    if (shared->finished.exchange(true)) {
      return;
    }
    auto work = std::move(shared->work);
    shared->timer.cancel();
    std::move(shared->handler)(std::move(result));
  };
  shared->timer.expires_after(deadline);
  shared->timer.async_wait([finish](const boost::system::error_code& ec) mutable {
    if (!ec) {
      finish(storage::ingest_result{});  // unavailable: too late for a direct answer
    }
  });
  auto post_finish = [executor, finish](storage::ingest_result result) mutable {
    boost::asio::post(executor,
                      [finish, result = std::move(result)]() mutable { finish(std::move(result)); });
  };
  try {
    store.ingest(std::move(request), post_finish);
  } catch (const std::exception&) {
    post_finish(storage::ingest_result{});
  }
}

}  // namespace detail

// Completes with storage's answer, or with `unavailable` once `deadline` has passed.
template <typename CompletionToken>
auto async_ingest_within(storage::service& store, storage::ingest_request request,
                         std::chrono::milliseconds deadline, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(storage::ingest_result)>(
      [&store, deadline](auto handler, storage::ingest_request req) {
        detail::ingest_within(store, std::move(req), deadline, std::move(handler));
      },
      token, std::move(request));
}

}  // namespace yorisoi::gateway
