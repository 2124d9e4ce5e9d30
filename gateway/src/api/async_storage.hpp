#pragma once
// Awaitable adapters over storage::service's callback API.
//
// The callback runs on a storage thread; the completion is posted back to the awaiting operation's
// associated executor (the session's strand), so no network thread ever blocks on the database. A
// work guard keeps the io_context alive while the answer is outstanding.

#include "yorisoi/storage/service.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace yorisoi::gateway {

namespace detail {

// Wraps a move-only completion handler so that it fits in a (copyable) std::function and is
// resumed on its own executor. If storage throws at submission, `fallback` completes it at once.
template <typename Result, typename Handler, typename Submit>
void submit_and_post(Handler handler, Submit submit, Result fallback) {
  auto executor = boost::asio::get_associated_executor(handler);
  struct state {
    Handler handler;
    boost::asio::executor_work_guard<decltype(executor)> work;
  };
  auto shared = std::make_shared<state>(state{std::move(handler), boost::asio::make_work_guard(executor)});
  auto complete = [shared](Result result) {
    auto target = shared->work.get_executor();
    boost::asio::post(target, [shared, result = std::move(result)]() mutable {
      auto work = std::move(shared->work);
      std::move(shared->handler)(std::move(result));
    });
  };
  try {
    submit(complete);
  } catch (const std::exception&) {
    complete(std::move(fallback));
  }
}

}  // namespace detail

template <typename CompletionToken>
auto async_ingest(storage::service& store, storage::ingest_request request, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(storage::ingest_result)>(
      [&store](auto handler, storage::ingest_request req) {
        detail::submit_and_post<storage::ingest_result>(
            std::move(handler),
            [&store, &req](auto complete) { store.ingest(std::move(req), std::move(complete)); },
            storage::ingest_result{});
      },
      token, std::move(request));
}

template <typename CompletionToken>
auto async_check_ready(storage::service& store, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(storage::readiness)>(
      [&store](auto handler) {
        detail::submit_and_post<storage::readiness>(
            std::move(handler), [&store](auto complete) { store.check_ready(std::move(complete)); },
            storage::readiness{});
      },
      token);
}

// claim_outbox(): nullopt when the database could not be asked.
template <typename CompletionToken>
auto async_claim_outbox(storage::service& store, std::size_t limit, std::chrono::seconds lease,
                        CompletionToken&& token) {
  using result = std::optional<std::vector<storage::outbox_item>>;
  return boost::asio::async_initiate<CompletionToken, void(result)>(
      [&store, limit, lease](auto handler) {
        detail::submit_and_post<result>(
            std::move(handler),
            [&store, limit, lease](auto complete) { store.claim_outbox(limit, lease, std::move(complete)); },
            result{});
      },
      token);
}

// complete_outbox(): false when the outcome could not be recorded.
template <typename CompletionToken>
auto async_complete_outbox(storage::service& store, storage::outbox_report report, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(bool)>(
      [&store](auto handler, storage::outbox_report r) {
        detail::submit_and_post<bool>(
            std::move(handler),
            [&store, &r](auto complete) { store.complete_outbox(std::move(r), std::move(complete)); }, false);
      },
      token, std::move(report));
}

// claim_alerts(): nothing when storage could not answer.
template <typename CompletionToken>
auto async_claim_alerts(storage::service& store, std::size_t limit, std::chrono::seconds lease,
                        CompletionToken&& token) {
  using result = std::optional<std::vector<storage::alert_item>>;
  return boost::asio::async_initiate<CompletionToken, void(result)>(
      [&store, limit, lease](auto handler) {
        detail::submit_and_post<result>(
            std::move(handler),
            [&store, limit, lease](auto complete) { store.claim_alerts(limit, lease, std::move(complete)); },
            result{});
      },
      token);
}

// complete_alert(): false when the outcome could not be recorded.
template <typename CompletionToken>
auto async_complete_alert(storage::service& store, storage::alert_report report, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(bool)>(
      [&store](auto handler, storage::alert_report r) {
        detail::submit_and_post<bool>(
            std::move(handler),
            [&store, &r](auto complete) { store.complete_alert(std::move(r), std::move(complete)); }, false);
      },
      token, std::move(report));
}

}  // namespace yorisoi::gateway
