// GET /l/{code}: the tracked links of the promotion channels. Public: no session is read or touched and
// nothing about the visitor (address, user agent, cookies, referrer) is stored or logged; the store keeps
// one counter per tenant, code and local day. The client address is only held in memory for a minute
// (click_window): one click per address and code per minute is counted, so that a flood from one
// address costs no database write and does not inflate the tally; every hit is still redirected.
#include "api/async_console.hpp"
#include "http/handlers.hpp"
#include "yorisoi/gateway/api_report_json.hpp"

#include <spdlog/spdlog.h>

namespace yorisoi::gateway {
namespace asio = boost::asio;

asio::awaitable<http_response> handle_link_redirect(handler_context& context, const route_match& match,
                                                    const http_request& request) {
  const std::string code(match.param("code").value_or(""));
  const auto target = find_link(context.settings, code);
  if (!target) {
    co_return text_response(404, "not found\n");
  }
  if (context.link_clicks.admit(request.peer_address, code, std::chrono::steady_clock::now())) {
    auto& reports = context.reports;
    const std::string tenant_id = target->tenant->id;
    const auto counted = co_await await_op<storage::nothing>(
        [&](auto done) { reports.record_click(tenant_id, code, std::move(done)); });
    context.metrics.count_link_click(code, counted.status == storage::op_status::ok);
    if (counted.status != storage::op_status::ok) {
      // The visitor still reaches the channel; the lost click shows in the metrics (the code is a
      // configured one, never free text from the request).
      spdlog::warn("a tracked link's click could not be counted (database unavailable)");
    }
  }
  http_response response = text_response(302, "");
  response.headers.emplace_back("Location", target->add_friend_url);
  // Already on every answer (session.cpp); said here because the contract requires them of this one.
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  co_return response;
}

}  // namespace yorisoi::gateway
