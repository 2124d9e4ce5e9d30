#include "load/client_worker.hpp"

#include "load/http_response.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cstring>

namespace yorisoi::bench {
namespace asio = boost::asio;
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto reconnect_backoff = std::chrono::milliseconds(10);
constexpr auto underrun_poll = std::chrono::microseconds(200);
constexpr auto watchdog_period = std::chrono::milliseconds(50);

}  // namespace

struct client_worker::connection {
  explicit connection(asio::io_context& io, unsigned global_index)
      : socket(io), timer(io), index(global_index) {}

  asio::ip::tcp::socket socket;
  asio::steady_timer timer;  // pacing and back-off
  unsigned index;
  bool open = false;
  load_clock::time_point deadline = load_clock::time_point::max();  // of the request in flight
  std::array<char, 16 * 1024> buffer{};
  std::size_t buffered = 0;
  http_response_reader reader;

  void close() {
    boost::system::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    open = false;
    buffered = 0;
  }
};

void worker_stats::merge(const worker_stats& other) {
  latency.merge(other.latency);
  sent += other.sent;
  status_2xx += other.status_2xx;
  status_3xx += other.status_3xx;
  status_4xx += other.status_4xx;
  status_5xx += other.status_5xx;
  status_other += other.status_other;
  errors += other.errors;
  connects += other.connects;
  underruns += other.underruns;
  acked_first_ids.insert(acked_first_ids.end(), other.acked_first_ids.begin(), other.acked_first_ids.end());
}

client_worker::client_worker(const load_options& options, request_producer& producer,
                             const run_schedule& schedule, asio::ip::tcp::endpoint target,
                             unsigned first_connection, unsigned connection_count)
    : options_(options), producer_(producer), schedule_(schedule), target_(target), io_(1) {
  connections_.reserve(connection_count);
  for (unsigned i = 0; i < connection_count; ++i) {
    connections_.push_back(std::make_unique<connection>(io_, first_connection + i));
  }
}

client_worker::~client_worker() = default;

void client_worker::run() {
  running_ = static_cast<unsigned>(connections_.size());
  for (auto& conn : connections_) {
    asio::co_spawn(io_, connection_loop(*conn), asio::detached);
  }
  asio::co_spawn(io_, watchdog(), asio::detached);
  io_.run();
}

// Closes the socket of any request past its deadline, and of everything at the hard stop, so that a
// silent server can never hold the run open.
asio::awaitable<void> client_worker::watchdog() {
  asio::steady_timer timer(io_);
  while (running_ > 0) {
    timer.expires_after(watchdog_period);
    co_await timer.async_wait(use_tuple);
    const auto now = load_clock::now();
    for (auto& conn : connections_) {
      if (conn->open && (now >= conn->deadline || now >= schedule_.hard_stop)) {
        conn->close();
      }
      if (now >= schedule_.hard_stop) {
        conn->timer.cancel();
      }
    }
  }
}

asio::awaitable<bool> client_worker::take_request(next_request& out) {
  for (;;) {
    if (current_block_ && current_index_ < current_block_->entries.size()) {
      out.block = current_block_;
      out.index = current_index_++;
      co_return true;
    }
    current_block_.reset();
    if (auto block = producer_.take(); block) {
      current_block_ = std::move(block);
      current_index_ = 0;
      continue;
    }
    if (producer_.finished() || load_clock::now() >= schedule_.end) {
      co_return false;
    }
    // The producer fell behind: count it (it means signing limited the rate) and look again shortly.
    ++stats_.underruns;
    asio::steady_timer wait(io_);
    wait.expires_after(underrun_poll);
    co_await wait.async_wait(use_tuple);
  }
}

asio::awaitable<bool> client_worker::ensure_connected(connection& conn) {
  while (!conn.open) {
    if (load_clock::now() >= schedule_.end) {
      co_return false;
    }
    boost::system::error_code ec;
    conn.socket.open(target_.protocol(), ec);
    if (!ec) {
      conn.deadline =
          load_clock::now() + std::chrono::duration_cast<load_clock::duration>(options_.request_timeout);
      std::tie(ec) = co_await conn.socket.async_connect(target_, use_tuple);
      conn.deadline = load_clock::time_point::max();
    }
    if (!ec) {
      conn.socket.set_option(asio::ip::tcp::no_delay(true), ec);
      conn.open = true;
      conn.buffered = 0;
      ++stats_.connects;
      co_return true;
    }
    ++stats_.errors;
    conn.close();
    conn.timer.expires_after(reconnect_backoff);
    co_await conn.timer.async_wait(use_tuple);
  }
  co_return true;
}

void client_worker::record(int status, load_clock::time_point intended, load_clock::time_point done,
                           std::uint64_t first_id) {
  if (status >= 200 && status < 300) {
    stats_.acked_first_ids.push_back(first_id);
  }
  if (intended < schedule_.measure_from || intended >= schedule_.end) {
    return;
  }
  stats_.latency.record(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(done - intended).count()));
  if (status >= 200 && status < 300) {
    ++stats_.status_2xx;
  } else if (status >= 300 && status < 400) {
    ++stats_.status_3xx;
  } else if (status >= 400 && status < 500) {
    ++stats_.status_4xx;
  } else if (status >= 500 && status < 600) {
    ++stats_.status_5xx;
  } else {
    ++stats_.status_other;
  }
}

asio::awaitable<void> client_worker::connection_loop(connection& conn) {
  const bool paced = options_.rate > 0;
  const double interval_s = paced ? static_cast<double>(options_.connections) / options_.rate : 0.0;
  const double offset_s = paced ? static_cast<double>(conn.index) / options_.rate : 0.0;
  std::uint64_t sequence = 0;
  next_request request;

  for (;; ++sequence) {
    load_clock::time_point intended = schedule_.start;
    if (paced) {
      intended += std::chrono::duration_cast<load_clock::duration>(
          std::chrono::duration<double>(offset_s + static_cast<double>(sequence) * interval_s));
      if (intended >= schedule_.end) {
        break;
      }
      if (intended > load_clock::now()) {
        conn.timer.expires_at(intended);
        co_await conn.timer.async_wait(use_tuple);
      }
    } else if (load_clock::now() >= schedule_.end) {
      break;
    }
    if (!co_await take_request(request)) {
      break;
    }
    if (!paced) {
      intended = load_clock::now();
    }
    if (!co_await ensure_connected(conn)) {
      break;
    }

    const std::string_view bytes = request.block->request(request.index);
    const std::uint64_t first_id = request.block->entries[request.index].first_event_id;
    const bool measured = intended >= schedule_.measure_from;
    if (measured) {
      ++stats_.sent;
    }
    conn.deadline =
        load_clock::now() + std::chrono::duration_cast<load_clock::duration>(options_.request_timeout);
    auto [write_error, written] =
        co_await asio::async_write(conn.socket, asio::buffer(bytes.data(), bytes.size()), use_tuple);
    (void)written;
    if (write_error) {
      if (measured) {
        ++stats_.errors;
      }
      conn.close();
      continue;
    }

    conn.reader.reset();
    bool failed = false;
    for (;;) {
      std::size_t used = 0;
      auto state = conn.buffered == 0
                       ? http_response_reader::state::need_more
                       : conn.reader.feed(std::string_view(conn.buffer.data(), conn.buffered), used);
      if (used > 0) {
        std::memmove(conn.buffer.data(), conn.buffer.data() + used, conn.buffered - used);
        conn.buffered -= used;
      }
      if (state == http_response_reader::state::complete) {
        break;
      }
      if (state == http_response_reader::state::error || conn.buffered == conn.buffer.size()) {
        failed = true;
        break;
      }
      auto [read_error, n] = co_await conn.socket.async_read_some(
          asio::buffer(conn.buffer.data() + conn.buffered, conn.buffer.size() - conn.buffered), use_tuple);
      conn.buffered += n;
      if (read_error) {
        if (read_error == asio::error::eof &&
            conn.reader.end_of_stream() == http_response_reader::state::complete) {
          conn.open = false;  // closed by the peer after a body delimited by end of stream
          break;
        }
        failed = true;
        break;
      }
    }
    conn.deadline = load_clock::time_point::max();
    if (failed) {
      if (measured && intended < schedule_.end) {
        ++stats_.errors;
      }
      conn.close();
      continue;
    }
    record(conn.reader.status(), intended, load_clock::now(), first_id);
    if (conn.reader.must_close() || !conn.open) {
      conn.close();
    }
  }
  conn.close();
  --running_;
}

}  // namespace yorisoi::bench
