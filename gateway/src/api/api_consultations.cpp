// The counsellors' work (work_consultations, transfer): queue, transcript, assignment, replies, tags,
// notes, close and reopen, and LINE's chat signals (a read mark on opening, the typing animation).
// Labels are checked against the tenant's config here; the storage layer limits every object to the
// caller's tenant.
#include "api/api_common.hpp"
#include "api/api_handlers.hpp"
#include "api/async_console.hpp"
#include "line/line_signals.hpp"
#include "yorisoi/routing/consultation_access.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

using item_call = void (storage::console_store::*)(
    storage::actor, std::string, std::function<void(storage::op_result<storage::queue_item>)>);

asio::awaitable<http_response> queue_item_call(handler_context& context, const api_call& call,
                                               item_call what) {
  auto& console = context.console;
  const storage::actor& who = call.caller.session.who;
  const std::string id = call.param("consultation_id");
  const auto result =
      co_await await_op<storage::queue_item>([&](auto done) { (console.*what)(who, id, std::move(done)); });
  co_return op_answer(result, 200, queue_item_json);
}

// A read mark for an open consultation a person has before them (read_marks = "on_open" only): the
// token is asked of storage only for a tenant with such a channel, and LINE is called later
// (line_signals), so the answer waits for one indexed read at most.
asio::awaitable<void> mark_read(handler_context& context, const api_call& call, const std::string& consultation_id) {
  if (context.chat_signals == nullptr || call.request.background || !line_signals::marks_read(*call.caller.tenant)) {
    co_return;
  }
  auto& console = context.console;
  const storage::actor& who = call.caller.session.who;
  const auto chat = co_await await_op<storage::line_chat>(
      [&](auto done) { console.read_mark_chat(who, consultation_id, std::move(done)); });
  if (chat.status == storage::op_status::ok) {
    (void)context.chat_signals->read(who.tenant_id, consultation_id, chat.value, true);
  }
}

// Previews are resident text: shown when the tenant has them on and the role reads transcripts.
bool previews_for(const api_caller& caller) {
  return caller.tenant->queue_preview && routing::may_see_previews(caller.session.who.role);
}

}  // namespace

asio::awaitable<http_response> handle_get_queue(handler_context& context, const api_call& call) {
  auto page = parse_queue_request(call.request.query);
  if (!page.value) {
    co_return api_error_response(page.error);
  }
  page.value->previews = previews_for(call.caller);
  auto& console = context.console;
  const auto result = co_await await_op<storage::queue_page>(
      [&](auto done) { console.queue(call.caller.session.who, std::move(*page.value), std::move(done)); });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status);
  }
  co_return api_json(200, queue_page_json(result.value));
}

asio::awaitable<http_response> handle_get_queue_counts(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const auto result = co_await await_op<storage::queue_counts>(
      [&](auto done) { console.queue_counts_of(call.caller.session.who, std::move(done)); });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status);
  }
  co_return api_json(200, queue_counts_json(result.value));
}

asio::awaitable<http_response> handle_get_queue_row(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const std::string consultation_id = call.param("consultation_id");
  const auto result = co_await await_op<storage::queue_item>([&](auto done) {
    console.queue_row(call.caller.session.who, consultation_id, previews_for(call.caller), std::move(done));
  });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status);
  }
  co_return api_json(200, queue_item_json(result.value));
}

asio::awaitable<http_response> handle_get_consultation(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const std::string consultation_id = call.param("consultation_id");
  const auto result = co_await await_op<storage::consultation_detail>(
      [&](auto done) { console.consultation(call.caller.session.who, consultation_id, std::move(done)); });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status);
  }
  if (result.value.summary.state != "closed") {
    co_await mark_read(context, call, consultation_id);
  }
  co_return api_json(200, consultation_json(result.value));
}

asio::awaitable<http_response> handle_typing(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const storage::actor& who = call.caller.session.who;
  const std::string consultation_id = call.param("consultation_id");
  const auto chat = co_await await_op<storage::line_chat>(
      [&](auto done) { console.typing_chat(who, consultation_id, std::move(done)); });
  if (chat.status != storage::op_status::ok) {
    co_return op_error_response(chat.status, chat.reason);
  }
  if (context.chat_signals != nullptr) {
    // The holder answers what they have before them: it is read (on_open channels), and they type.
    (void)context.chat_signals->read(who.tenant_id, consultation_id, chat.value, !call.request.background);
    (void)context.chat_signals->typing(who.tenant_id, consultation_id, chat.value);
  }
  co_return no_content();
}

// A counsellor holding their capacity is refused (409 over_capacity); the tenant's default comes from
// the config.
asio::awaitable<http_response> handle_claim(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const std::string id = call.param("consultation_id");
  const std::optional<unsigned> capacity = call.caller.tenant->shift.capacity;
  const auto result = co_await await_op<storage::queue_item>(
      [&](auto done) { console.claim(call.caller.session.who, id, capacity, std::move(done)); });
  co_return op_answer(result, 200, queue_item_json);
}

asio::awaitable<http_response> handle_release(handler_context& context, const api_call& call) {
  co_return co_await queue_item_call(context, call, &storage::console_store::release);
}

asio::awaitable<http_response> handle_close(handler_context& context, const api_call& call) {
  co_return co_await queue_item_call(context, call, &storage::console_store::close);
}

asio::awaitable<http_response> handle_reopen(handler_context& context, const api_call& call) {
  co_return co_await queue_item_call(context, call, &storage::console_store::reopen);
}

asio::awaitable<http_response> handle_transfer(handler_context& context, const api_call& call) {
  auto to = parse_json_body(call.request, parse_transfer);
  if (!to.value) {
    co_return api_error_response(to.error);
  }
  auto& console = context.console;
  const std::string consultation_id = call.param("consultation_id");
  const auto result = co_await await_op<storage::queue_item>([&](auto done) {
    console.transfer(call.caller.session.who, consultation_id, *to.value, std::move(done));
  });
  co_return op_answer(result, 200, queue_item_json);
}

asio::awaitable<http_response> handle_reply(handler_context& context, const api_call& call) {
  auto text = parse_json_body(call.request, parse_text);
  if (!text.value) {
    co_return api_error_response(text.error);
  }
  auto& console = context.console;
  const std::string consultation_id = call.param("consultation_id");
  const auto result = co_await await_op<storage::transcript_message>([&](auto done) {
    console.reply(call.caller.session.who, consultation_id, std::move(*text.value), std::move(done));
  });
  co_return op_answer(result, 201, message_json);
}

asio::awaitable<http_response> handle_set_tags(handler_context& context, const api_call& call) {
  auto tags = parse_json_body(call.request, [&](std::string_view body) { return parse_tags(body, *call.caller.tenant); });
  if (!tags.value) {
    co_return api_error_response(tags.error);
  }
  auto& console = context.console;
  const std::string consultation_id = call.param("consultation_id");
  const auto result = co_await await_op<storage::queue_item>([&](auto done) {
    console.set_tags(call.caller.session.who, consultation_id, tags.value->categories, tags.value->age_band,
                     std::move(done));
  });
  co_return op_answer(result, 200, queue_item_json);
}

namespace {

// A note's text from the body, written by `write` (add_note or whisper) to the consultation of the path.
using note_writer = void (storage::console_store::*)(storage::actor, std::string, std::string,
                                                      std::function<void(storage::op_result<storage::note>)>);

asio::awaitable<http_response> write_note(handler_context& context, const api_call& call, note_writer write) {
  auto text = parse_json_body(call.request, parse_text);
  if (!text.value) {
    co_return api_error_response(text.error);
  }
  auto& console = context.console;
  const std::string consultation_id = call.param("consultation_id");
  const auto result = co_await await_op<storage::note>([&](auto done) {
    (console.*write)(call.caller.session.who, consultation_id, std::move(*text.value), std::move(done));
  });
  co_return op_answer(result, 201, note_json);
}

}  // namespace

asio::awaitable<http_response> handle_add_note(handler_context& context, const api_call& call) {
  co_return co_await write_note(context, call, &storage::console_store::add_note);
}

// A supervisor's whisper to the assigned counsellor (a note only they and supervisors see).
asio::awaitable<http_response> handle_whisper(handler_context& context, const api_call& call) {
  co_return co_await write_note(context, call, &storage::console_store::whisper);
}

}  // namespace yorisoi::gateway
