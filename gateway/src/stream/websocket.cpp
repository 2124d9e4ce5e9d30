#include "stream/websocket.hpp"

#include "api/async_console.hpp"
#include "yorisoi/gateway/api_json.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_set>

namespace yorisoi::gateway {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

constexpr auto as_result = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t replay_limit = 500;
constexpr std::size_t max_queued_frames = 2000;  // a console this far behind is closed; it resyncs
constexpr std::chrono::seconds ping_interval{20};
constexpr std::uint16_t session_ended_code = 4401;
// The user opened more sockets than server.max_sockets_per_user: their oldest is closed with this.
constexpr std::uint16_t displaced_code = 4429;

class ws_session : public stream_subscriber, public std::enable_shared_from_this<ws_session> {
 public:
  ws_session(handler_context& context, stream_hub& hub, beast::tcp_stream stream, stream_admission admission)
      : context_(context),
        hub_(hub),
        ws_(std::move(stream)),
        ping_timer_(ws_.get_executor()),
        expiry_timer_(ws_.get_executor()),
        session_timer_(ws_.get_executor()),
        caller_(std::move(admission.caller)),
        after_(admission.after),
        audience_(audience_of(caller_.session.who)) {}

  asio::awaitable<void> run(beast::http::request<beast::http::string_body> request) {
    auto self = shared_from_this();
    // Beast's websocket timeouts replace the tcp_stream's own.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(10);
    timeouts.idle_timeout = std::chrono::seconds(60);  // our pings draw pongs: silence means a dead peer
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.read_message_max(4096);
    auto [accept_ec] = co_await ws_.async_accept(request, as_result);
    if (accept_ec) {
      co_return;
    }
    registration_ = hub_.add({caller_.session.who.tenant_id, caller_.session.who.user_id, audience_, self},
                             context_.settings.server.max_sockets_per_user);
    replaying_ = after_.has_value();
    asio::co_spawn(ws_.get_executor(), ping_loop(self), asio::detached);
    asio::co_spawn(ws_.get_executor(), expiry_watch(self), asio::detached);
    asio::co_spawn(ws_.get_executor(), session_watch(self), asio::detached);
    if (replaying_) {
      co_await replay();
    }
    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, n] = co_await ws_.async_read(buffer, as_result);
      if (ec) {
        break;  // closed by either side, timeout or too large a frame
      }
      buffer.consume(buffer.size());  // client frames carry nothing we act on
    }
    closing_ = true;
    ping_timer_.cancel();
    expiry_timer_.cancel();
    session_timer_.cancel();
    hub_.remove(registration_);
  }

  void push(std::shared_ptr<const std::string> frame, std::int64_t event_id) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame), event_id]() mutable {
      if (self->closing_) {
        return;
      }
      if (self->replaying_) {
        self->held_.emplace_back(std::move(frame), event_id);
        return;
      }
      // Every committed event reaches the hub once. Ids are not in commit order (two transactions
      // can commit in either order), so a smaller id after a larger one is news, not a repeat.
      self->send(std::move(frame));
    });
  }

  void recheck_session() override {
    asio::co_spawn(ws_.get_executor(), recheck(shared_from_this()), asio::detached);
  }

  void shut_down() override {
    asio::post(ws_.get_executor(),
               [self = shared_from_this()] { self->close_with(websocket::close_code::going_away); });
  }

  void displaced() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      self->close_with(websocket::close_reason(static_cast<websocket::close_code>(displaced_code)));
    });
  }

 private:
  asio::awaitable<void> replay() {
    std::unordered_set<std::int64_t> replayed;
    auto& console = context_.console;
    const auto result = co_await await_op<std::vector<storage::console_event>>([&](auto done) {
      console.events_since(caller_.session.who.tenant_id, *after_, replay_limit + 1,
                           filter_of(audience_of(caller_.session.who)), std::move(done));
    });
    if (result.status == storage::op_status::ok && result.value.size() > replay_limit) {
      const auto latest =
          std::max(hub_.latest_event_id(caller_.session.who.tenant_id), result.value.back().event_id);
      send(std::make_shared<const std::string>(resync_event_json(latest, std::chrono::system_clock::now())));
    } else if (result.status == storage::op_status::ok) {
      for (const auto& event : result.value) {
        replayed.insert(event.event_id);
        if (const auto seen = event_for(event, audience_)) {
          send(std::make_shared<const std::string>(event_json(*seen)));
        }
      }
    } else {
      // The backlog cannot be read now: the client must refetch everything.
      const auto latest = hub_.latest_event_id(caller_.session.who.tenant_id);
      send(std::make_shared<const std::string>(resync_event_json(latest, std::chrono::system_clock::now())));
    }
    replaying_ = false;
    // Events that arrived live while the backlog was read: skip those the backlog already carried.
    auto held = std::move(held_);
    for (auto& [frame, id] : held) {
      if (!replayed.contains(id)) {
        send(std::move(frame));
      }
    }
  }

  // Strand only.
  void send(std::shared_ptr<const std::string> frame) {
    if (closing_) {
      return;
    }
    if (queue_.size() >= max_queued_frames) {
      close_with(websocket::close_code::try_again_later);
      return;
    }
    queue_.push_back(std::move(frame));
    if (!writing_) {
      writing_ = true;
      asio::co_spawn(ws_.get_executor(), write_loop(shared_from_this()), asio::detached);
    }
  }

  asio::awaitable<void> write_loop([[maybe_unused]] std::shared_ptr<ws_session> self) {
    while (!queue_.empty() && !closing_) {
      const auto frame = queue_.front();
      ws_.text(true);
      auto [ec, n] = co_await ws_.async_write(asio::buffer(*frame), as_result);
      if (ec) {
        queue_.clear();
        break;
      }
      queue_.pop_front();
    }
    writing_ = false;
  }

  asio::awaitable<void> ping_loop([[maybe_unused]] std::shared_ptr<ws_session> self) {
    while (!closing_) {
      ping_timer_.expires_after(ping_interval);
      auto [ec] = co_await ping_timer_.async_wait(as_result);
      if (ec || closing_) {
        co_return;
      }
      auto [ping_ec] = co_await ws_.async_ping({}, as_result);
      if (ping_ec) {
        co_return;
      }
    }
  }

  asio::awaitable<void> expiry_watch([[maybe_unused]] std::shared_ptr<ws_session> self) {
    const auto left = caller_.session.expires_at - std::chrono::system_clock::now();
    expiry_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(left));
    auto [ec] = co_await expiry_timer_.async_wait(as_result);
    if (!ec) {
      close_with(session_ended_code);
    }
  }

  // An open socket is no sign of a person at the console: every so often (a quarter of the idle limit,
  // 1 s to 1 min) the session is checked without moving last_seen, so an unattended console's socket
  // closes with 4401 once the session went idle, like its next request would answer 401.
  asio::awaitable<void> session_watch(std::shared_ptr<ws_session> self) {
    const auto idle =
        std::chrono::duration_cast<std::chrono::milliseconds>(context_.settings.server.sessions.idle);
    const auto every =
        std::clamp<std::chrono::milliseconds>(idle / 4, std::chrono::seconds(1), std::chrono::minutes(1));
    while (!closing_) {
      session_timer_.expires_after(every);
      auto [ec] = co_await session_timer_.async_wait(as_result);
      if (ec || closing_) {
        co_return;
      }
      co_await recheck(self);
    }
  }

  asio::awaitable<void> recheck([[maybe_unused]] std::shared_ptr<ws_session> self) {
    if (closing_) {
      co_return;
    }
    auto& console = context_.console;
    const auto result = co_await await_op<storage::session_info>(
        [&](auto done) { console.check_session(caller_.token, std::move(done)); });
    // Unavailable proves nothing: keep the socket; the next notification or the expiry closes it.
    if (result.status != storage::op_status::ok && result.status != storage::op_status::unavailable) {
      close_with(session_ended_code);
    } else if (result.status == storage::op_status::ok &&
               (result.value.who.role != caller_.session.who.role ||
                result.value.who.org_unit != caller_.session.who.org_unit)) {
      // What the socket may receive was decided from the role and the unit at connect time.
      close_with(session_ended_code);
    }
  }

  // Strand only.
  void close_with(websocket::close_reason reason) {
    if (closing_) {
      return;
    }
    closing_ = true;
    ping_timer_.cancel();
    expiry_timer_.cancel();
    session_timer_.cancel();
    asio::co_spawn(
        ws_.get_executor(),
        [self = shared_from_this(), reason]() -> asio::awaitable<void> {
          auto [ec] = co_await self->ws_.async_close(reason, as_result);
          (void)ec;  // the read loop ends either way
        },
        asio::detached);
  }

  handler_context& context_;
  stream_hub& hub_;
  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer ping_timer_;
  asio::steady_timer expiry_timer_;
  asio::steady_timer session_timer_;
  api_caller caller_;
  std::optional<std::int64_t> after_;
  event_audience audience_;
  std::uint64_t registration_ = 0;
  // Strand only:
  bool replaying_ = false;
  bool closing_ = false;
  bool writing_ = false;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::vector<std::pair<std::shared_ptr<const std::string>, std::int64_t>> held_;
};

}  // namespace

asio::awaitable<void> serve_stream(handler_context& context, stream_hub& hub, beast::tcp_stream stream,
                                   beast::http::request<beast::http::string_body> request,
                                   stream_admission admission) {
  auto session = std::make_shared<ws_session>(context, hub, std::move(stream), std::move(admission));
  try {
    co_await session->run(std::move(request));
  } catch (const std::exception& e) {
    spdlog::warn("console stream ended by an unexpected error: {}", e.what());
  }
}

}  // namespace yorisoi::gateway
