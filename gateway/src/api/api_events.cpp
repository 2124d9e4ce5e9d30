// GET /api/v1/events?after=N: what a console missed (at most 500, oldest first), as the caller's
// audience may see them (event_audience.hpp; the query selects the audience's rows, event_for trims
// them); roles that are no audience get an empty list.
#include "api/api_common.hpp"
#include "api/api_handlers.hpp"
#include "api/async_console.hpp"
#include "yorisoi/gateway/account_gate.hpp"
#include "yorisoi/gateway/event_audience.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

asio::awaitable<http_response> handle_list_events(handler_context& context, const api_call& call) {
  const api_caller& caller = call.caller;
  const auto after = parse_after(call.request.query);
  if (!after.value) {
    co_return api_error_response(after.error);
  }
  const event_audience audience = audience_of(caller.session.who);
  if (!audience.consultation_events && audience.officer_unit.empty() && !audience.staff_events) {
    co_return api_json(200, events_json({}));
  }
  auto& console = context.console;
  const auto result = co_await await_op<std::vector<storage::console_event>>([&](auto done) {
    console.events_since(caller.session.who.tenant_id, after.value->value_or(0), 500, filter_of(audience),
                         std::move(done));
  });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status);
  }
  std::vector<storage::console_event> visible;
  for (const auto& event : result.value) {
    if (auto seen = event_for(event, audience)) {
      visible.push_back(std::move(*seen));
    }
  }
  co_return api_json(200, events_json(visible));
}

asio::awaitable<stream_admission> admit_stream(handler_context& context, const http_request& request) {
  stream_admission out;
  if (!request.origin || !origin_acceptable(context.settings, request)) {
    out.refusal = api_error_response("csrf");
    co_return out;
  }
  // Opening (or reopening) the socket is the console's doing, not a person's: last_seen stays.
  http_request quiet = request;
  quiet.background = true;
  auto admitted = co_await authenticate_request(context, quiet);
  if (auto* refusal = std::get_if<http_response>(&admitted)) {
    out.refusal = std::move(*refusal);
    co_return out;
  }
  out.caller = std::get<api_caller>(std::move(admitted));
  if (auto refusal =
          account_gate_refusal(out.caller.session, *out.caller.tenant, routing::account_step::other)) {
    out.refusal = api_error_response(*refusal);
    co_return out;
  }
  if (!routing::allows(out.caller.session.who.role, routing::permission::own_account)) {
    out.refusal = api_error_response("forbidden");
    co_return out;
  }
  const auto after = parse_after(request.query);
  if (!after.value) {
    out.refusal = api_error_response(after.error);
    co_return out;
  }
  out.after = *after.value;
  if (!request.websocket_upgrade) {
    http_response response = api_error_response("bad_request");
    response.status = 426;
    response.headers.emplace_back("Upgrade", "websocket");
    out.refusal = std::move(response);
  }
  co_return out;
}

}  // namespace yorisoi::gateway
