// POST /api/v1/consultations/search (work_consultations): the tenant's consultations by criteria and
// words in their messages and notes. A JSON body rather than a query string, so that the words never
// reach a URL (access logs of proxies). The storage layer limits it to the caller's tenant, verifies
// the words against the opened text and audits the search (words as their count only).
#include "api/api_common.hpp"
#include "api/api_handlers.hpp"
#include "api/async_console.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

asio::awaitable<http_response> handle_search_consultations(handler_context& context, const api_call& call) {
  auto request = parse_json_body(call.request, [&](std::string_view body) { return parse_search(body, *call.caller.tenant); });
  if (!request.value) {
    co_return api_error_response(request.error);
  }
  auto& console = context.console;
  const auto result = co_await await_op<storage::search_page>([&](auto done) {
    console.search(call.caller.session.who, std::move(*request.value), std::move(done));
  });
  co_return op_answer(result, 200, search_page_json);
}

}  // namespace yorisoi::gateway
