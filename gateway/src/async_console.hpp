#pragma once
// Awaitable calls into storage::console_store: its callback answers on a storage thread and the
// awaiting coroutine resumes on its own executor (see async_storage.hpp for the mechanics).

#include "async_storage.hpp"
#include "yorisoi/storage/console.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <utility>

namespace yorisoi::gateway {

// `start(done)` calls one console_store member with `done` as its callback. If the call throws at
// submission, the awaiting coroutine gets `fallback` (an `unavailable` answer).
template <typename Result, typename Start>
boost::asio::awaitable<Result> await_console(Start start, Result fallback) {
  co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(Result)>(
      [start = std::move(start), fallback = std::move(fallback)](auto handler) mutable {
        detail::submit_and_post<Result>(
            std::move(handler), [&start](auto complete) { start(std::function<void(Result)>(std::move(complete))); },
            std::move(fallback));
      },
      boost::asio::use_awaitable);
}

// The common shape: op_result<T>, unavailable when the store could not be asked.
template <typename T, typename Start>
boost::asio::awaitable<storage::op_result<T>> await_op(Start start) {
  return await_console<storage::op_result<T>>(std::move(start), storage::op_result<T>{});
}

}  // namespace yorisoi::gateway
