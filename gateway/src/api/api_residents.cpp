// The resident across consultations (work_consultations): their history (dates and tallies of every
// consultation; opening one is the ordinary consultation read) and the resident note (申し送り), with
// its versions. The storage layer limits the resident to the caller's tenant and audits every call.
#include "api/api_common.hpp"
#include "api/api_handlers.hpp"
#include "api/async_console.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

asio::awaitable<http_response> handle_resident_history(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const std::string resident_id = call.param("resident_id");
  const auto result = co_await await_op<std::vector<storage::history_item>>(
      [&](auto done) { console.resident_history(call.caller.session.who, resident_id, std::move(done)); });
  co_return op_answer(result, 200, history_json);
}

asio::awaitable<http_response> handle_resident_notes(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const std::string resident_id = call.param("resident_id");
  const auto result = co_await await_op<std::vector<storage::resident_note>>(
      [&](auto done) { console.resident_notes(call.caller.session.who, resident_id, std::move(done)); });
  co_return op_answer(result, 200, resident_notes_json);
}

asio::awaitable<http_response> handle_set_resident_note(handler_context& context, const api_call& call) {
  auto text = parse_json_body(call.request, parse_text);
  if (!text.value) {
    co_return api_error_response(text.error);
  }
  auto& console = context.console;
  const std::string resident_id = call.param("resident_id");
  const auto result = co_await await_op<storage::resident_note>([&](auto done) {
    console.set_resident_note(call.caller.session.who, resident_id, std::move(*text.value), std::move(done));
  });
  co_return op_answer(result, 201, resident_note_json);
}

}  // namespace yorisoi::gateway
