#pragma once
// Awaitable calls into storage::console_store: its callback answers on a storage thread and the
// awaiting coroutine resumes on its own executor (see async_storage.hpp for the mechanics).

#include "api/async_storage.hpp"
#include "yorisoi/storage/console.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <memory>
#include <utility>

namespace yorisoi::gateway {

// `start(done)` calls one console_store member with `done` as its callback; it runs before the
// awaiting coroutine suspends, so it may (and should) capture the coroutine's locals by reference:
// GCC 12 relocates closures that live in a coroutine frame bitwise, which breaks any captured
// std::string held in its small buffer (seen as a free() of a pointer into the frame). If the call throws at
// submission, the awaiting coroutine gets a default Result (whose status is `unavailable`). Not a
// coroutine itself, and the fallback is made where it is needed: GCC 12 corrupted a Result passed
// by value through async_initiate's coroutine frame.
template <typename Result, typename Start>
auto await_console(Start start) {
  // Only a shared_ptr crosses async_initiate's frame: the request strings stay where they were built.
  auto shared = std::make_shared<Start>(std::move(start));
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(Result)>(
      [](auto handler, std::shared_ptr<Start> s) {
        detail::submit_and_post<Result>(
            std::move(handler),
            [&s](auto complete) { (*s)(std::function<void(Result)>(std::move(complete))); }, Result{});
      },
      boost::asio::use_awaitable, std::move(shared));
}

// The common shape: op_result<T>, unavailable when the store could not be asked.
template <typename T, typename Start>
auto await_op(Start start) {
  return await_console<storage::op_result<T>>(std::move(start));
}

}  // namespace yorisoi::gateway
