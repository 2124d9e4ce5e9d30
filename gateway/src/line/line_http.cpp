#include "line/line_http.hpp"

#include <openssl/ssl.h>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <vector>

namespace yorisoi::gateway {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

constexpr auto as_result = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t answer_body_limit = 1 << 20;

struct base_url {
  bool tls = false;
  std::string host;  // for DNS, SNI and certificate verification
  std::string port;
  std::string host_header;  // host[:port] as written
  std::string prefix;       // path before /v2/…, without a trailing '/'
  std::string query;        // "?…" as written, or empty
};

base_url parse_base(const std::string& text) {
  const auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) {
    throw std::invalid_argument("LINE API base is not an absolute URL: " + text);
  }
  base_url out;
  const std::string scheme(parsed->scheme());
  if (scheme == "https") {
    out.tls = true;
  } else if (scheme != "http") {
    throw std::invalid_argument("LINE API base must be http:// or https://: " + text);
  }
  out.host = std::string(parsed->host_address());
  if (out.host.empty()) {
    throw std::invalid_argument("LINE API base has no host: " + text);
  }
  out.port = parsed->has_port() ? std::string(parsed->port()) : (out.tls ? "443" : "80");
  out.host_header = std::string(parsed->encoded_host_and_port());
  out.prefix = std::string(parsed->encoded_path());
  while (!out.prefix.empty() && out.prefix.back() == '/') {
    out.prefix.pop_back();
  }
  if (parsed->has_query()) {
    out.query = "?" + std::string(parsed->encoded_query());
  }
  return out;
}

ssl::context make_tls_context() {
  try {
    ssl::context context(ssl::context::tls_client);
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    context.set_default_verify_paths();
    context.set_verify_mode(ssl::verify_peer);
    return context;
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(std::string("cannot set up TLS for the LINE API: ") + e.what());
  }
}

struct line_connection {
  using tls_stream = beast::ssl_stream<beast::tcp_stream>;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<tls_stream> tls;
  beast::flat_buffer buffer;
  clock::time_point idle_since{};

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

struct exchange_result {
  boost::system::error_code ec;
  bool got_bytes = false;  // some of an answer arrived
  http::response<http::string_body> response;
};

template <typename Stream>
asio::awaitable<exchange_result> exchange(Stream& stream, beast::flat_buffer& buffer,
                                          http::request<http::string_body>& request) {
  exchange_result out;
  auto [write_ec, written] = co_await http::async_write(stream, request, as_result);
  if (write_ec) {
    out.ec = write_ec;
    co_return out;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(answer_body_limit);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, as_result);
  out.got_bytes = parser.got_some();
  out.ec = read_ec;
  if (!read_ec) {
    out.response = parser.release();
  }
  co_return out;
}

line_answer no_answer(std::string why) {
  line_answer answer;
  answer.transport_error = std::move(why);
  return answer;
}

std::string describe(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) {
    return "timeout";
  }
  return ec.message();
}

line_answer to_answer(http::response<http::string_body>& response) {
  line_answer answer;
  answer.status = static_cast<int>(response.result_int());
  answer.request_id = std::string(response["x-line-request-id"]);
  answer.accepted_request_id = std::string(response["x-line-accepted-request-id"]);
  if (const auto it = response.find(http::field::retry_after); it != response.end()) {
    answer.retry_after = parse_retry_after(it->value());
  }
  answer.body = std::move(response.body());
  return answer;
}

}  // namespace

struct line_http::impl {
  impl(asio::any_io_executor s, line_http_options o)
      : strand(std::move(s)), options(std::move(o)), base(parse_base(options.api_base)) {
    if (base.tls) {
      tls_context.emplace(make_tls_context());
    }
  }

  asio::any_io_executor strand;
  line_http_options options;
  base_url base;
  std::optional<ssl::context> tls_context;
  std::vector<std::unique_ptr<line_connection>> idle;

  std::unique_ptr<line_connection> take_idle() {
    const auto now = clock::now();
    while (!idle.empty()) {
      auto conn = std::move(idle.back());
      idle.pop_back();
      if (now - conn->idle_since <= options.idle_max_age) {
        return conn;
      }
    }
    return nullptr;
  }

  void give_back(std::unique_ptr<line_connection> conn) {
    if (idle.size() < options.max_idle) {
      conn->idle_since = clock::now();
      idle.push_back(std::move(conn));
    }
  }

  asio::awaitable<std::unique_ptr<line_connection>> connect(clock::time_point deadline, std::string& error) {
    using namespace asio::experimental::awaitable_operators;
    const auto connect_deadline = std::min(deadline, clock::now() + options.connect_timeout);
    // getaddrinfo cannot be cancelled; racing it against a timer bounds the wait at least.
    tcp::resolver resolver(strand);
    asio::steady_timer timer(strand);
    timer.expires_at(connect_deadline);
    auto resolved =
        co_await (resolver.async_resolve(base.host, base.port, as_result) || timer.async_wait(as_result));
    if (resolved.index() == 1) {
      error = "resolve: timeout";
      co_return nullptr;
    }
    auto [resolve_ec, endpoints] = std::get<0>(std::move(resolved));
    if (resolve_ec) {
      error = "resolve: " + resolve_ec.message();
      co_return nullptr;
    }
    auto conn = std::make_unique<line_connection>();
    if (base.tls) {
      conn->tls = std::make_unique<line_connection::tls_stream>(strand, *tls_context);
    } else {
      conn->plain = std::make_unique<beast::tcp_stream>(strand);
    }
    conn->lowest().expires_at(connect_deadline);
    auto [connect_ec, endpoint] = co_await conn->lowest().async_connect(endpoints, as_result);
    if (connect_ec) {
      error = "connect: " + describe(connect_ec);
      co_return nullptr;
    }
    if (base.tls) {
      // SNI, and the certificate must name the host we asked for.
      if (SSL_set_tlsext_host_name(conn->tls->native_handle(), base.host.c_str()) != 1) {
        error = "tls: cannot set SNI";
        co_return nullptr;
      }
      conn->tls->set_verify_callback(ssl::host_name_verification(base.host));
      conn->lowest().expires_at(deadline);
      auto [handshake_ec] = co_await conn->tls->async_handshake(ssl::stream_base::client, as_result);
      if (handshake_ec) {
        error = "tls handshake: " + describe(handshake_ec);
        co_return nullptr;
      }
    }
    co_return conn;
  }
};

line_http::line_http(asio::any_io_executor strand, line_http_options options)
    : impl_(std::make_unique<impl>(std::move(strand), std::move(options))) {}

line_http::~line_http() = default;

void line_http::close_idle() {
  impl_->idle.clear();
}

asio::awaitable<line_answer> line_http::post(std::string path, std::string access_token, std::string body,
                                             std::string retry_key) {
  http_post spec{
      std::move(path), {{"Authorization", "Bearer " + access_token}}, std::move(body), !retry_key.empty()};
  if (!retry_key.empty()) {
    spec.headers.emplace_back("X-Line-Retry-Key", std::move(retry_key));
  }
  co_return co_await post(std::move(spec));
}

asio::awaitable<line_answer> line_http::post(http_post spec) {
  auto& s = *impl_;
  const auto deadline = clock::now() + s.options.total_timeout;
  std::string target = s.base.prefix + spec.path;
  if (target.empty()) {
    target = "/";
  }
  http::request<http::string_body> request{http::verb::post, target + s.base.query, 11};
  request.set(http::field::host, s.base.host_header);
  request.set(http::field::content_type, "application/json; charset=utf-8");
  request.set(http::field::user_agent, "yorisoi");
  for (const auto& [name, value] : spec.headers) {
    request.set(name, value);
  }
  request.keep_alive(true);
  request.body() = std::move(spec.body);
  request.prepare_payload();

  for (int round = 0; round < 2; ++round) {
    auto conn = s.take_idle();
    const bool reused = conn != nullptr;
    if (!conn) {
      std::string error;
      conn = co_await s.connect(deadline, error);
      if (!conn) {
        co_return no_answer(std::move(error));
      }
    }
    conn->lowest().expires_at(deadline);
    // Not `cond ? co_await a : co_await b`: GCC 12 destroys that temporary twice.
    exchange_result result;
    if (conn->tls) {
      result = co_await exchange(*conn->tls, conn->buffer, request);
    } else {
      result = co_await exchange(*conn->plain, conn->buffer, request);
    }
    if (!result.ec) {
      line_answer answer = to_answer(result.response);
      if (result.response.keep_alive()) {
        conn->lowest().expires_never();
        s.give_back(std::move(conn));
      }
      co_return answer;
    }
    // A kept-alive connection the server closed while it was idle: no byte of an answer came back.
    // Only a request with a retry key is sent again (a push, an alert); a reply's outcome stays unknown.
    const bool stale = reused && !result.got_bytes && spec.resend_safe && result.ec != beast::error::timeout;
    if (!stale || round == 1) {
      co_return no_answer(describe(result.ec));
    }
  }
  co_return no_answer("unreachable");
}

}  // namespace yorisoi::gateway
