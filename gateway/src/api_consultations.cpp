// The counsellors' work (work_consultations, transfer): queue, transcript, assignment, replies, tags,
// notes, close and reopen. Labels are checked against the tenant's config here; the storage layer
// limits every object to the caller's tenant.
#include "api_common.hpp"
#include "async_console.hpp"
#include "yorisoi/routing/consultation_access.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

using item_call = void (storage::console_store::*)(
    storage::actor, std::string, std::function<void(storage::op_result<storage::queue_item>)>);

asio::awaitable<http_response> queue_item_call(storage::console_store& console, item_call call,
                                               const storage::actor& who, const std::string& id) {
  const auto result =
      co_await await_op<storage::queue_item>([&](auto done) { (console.*call)(who, id, std::move(done)); });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status, result.reason);
  }
  co_return api_json(200, queue_item_json(result.value));
}

// Previews are resident text: shown when the tenant has them on and the role reads transcripts.
bool previews_for(const api_caller& caller) {
  return caller.tenant->queue_preview && routing::may_see_previews(caller.session.who.role);
}

}  // namespace

asio::awaitable<http_response> handle_consultation_api(handler_context& context, handler_id id,
                                                       const api_caller& caller, const route_match& match,
                                                       const http_request& request) {
  auto& console = context.console;
  const storage::actor who = caller.session.who;
  const std::string consultation_id(match.param("consultation_id").value_or(""));

  switch (id) {
    case handler_id::api_queue: {
      auto page = parse_queue_request(request.query);
      if (!page.value) {
        co_return api_error_response(page.error);
      }
      page.value->previews = previews_for(caller);
      const auto result = co_await await_op<storage::queue_page>(
          [&](auto done) { console.queue(who, std::move(*page.value), std::move(done)); });
      if (result.status != storage::op_status::ok) {
        co_return op_error_response(result.status);
      }
      co_return api_json(200, queue_page_json(result.value));
    }
    case handler_id::api_queue_counts: {
      const auto result = co_await await_op<storage::queue_counts>(
          [&](auto done) { console.queue_counts_of(who, std::move(done)); });
      if (result.status != storage::op_status::ok) {
        co_return op_error_response(result.status);
      }
      co_return api_json(200, queue_counts_json(result.value));
    }
    case handler_id::api_queue_row: {
      const auto result = co_await await_op<storage::queue_item>(
          [&](auto done) { console.queue_row(who, consultation_id, previews_for(caller), std::move(done)); });
      if (result.status != storage::op_status::ok) {
        co_return op_error_response(result.status);
      }
      co_return api_json(200, queue_item_json(result.value));
    }
    case handler_id::api_consultation: {
      const auto result = co_await await_op<storage::consultation_detail>(
          [&](auto done) { console.consultation(who, consultation_id, std::move(done)); });
      if (result.status != storage::op_status::ok) {
        co_return op_error_response(result.status);
      }
      co_return api_json(200, consultation_json(result.value));
    }
    case handler_id::api_claim:
      co_return co_await queue_item_call(console, &storage::console_store::claim, who, consultation_id);
    case handler_id::api_release:
      co_return co_await queue_item_call(console, &storage::console_store::release, who, consultation_id);
    case handler_id::api_close:
      co_return co_await queue_item_call(console, &storage::console_store::close, who, consultation_id);
    case handler_id::api_reopen:
      co_return co_await queue_item_call(console, &storage::console_store::reopen, who, consultation_id);
    default:
      break;
  }

  // The rest carry a JSON body.
  if (auto refusal = require_json(request)) {
    co_return std::move(*refusal);
  }
  switch (id) {
    case handler_id::api_transfer: {
      auto to = parse_transfer(request.body);
      if (!to.value) {
        co_return api_error_response(to.error);
      }
      const auto result = co_await await_op<storage::queue_item>(
          [&](auto done) { console.transfer(who, consultation_id, *to.value, std::move(done)); });
      if (result.status != storage::op_status::ok) {
        co_return op_error_response(result.status, result.reason);
      }
      co_return api_json(200, queue_item_json(result.value));
    }
    case handler_id::api_reply: {
      auto text = parse_text(request.body);
      if (!text.value) {
        co_return api_error_response(text.error);
      }
      const auto result = co_await await_op<storage::transcript_message>(
          [&](auto done) { console.reply(who, consultation_id, std::move(*text.value), std::move(done)); });
      if (result.status != storage::op_status::ok) {
        co_return op_error_response(result.status, result.reason);
      }
      co_return api_json(201, message_json(result.value));
    }
    case handler_id::api_tags: {
      auto tags = parse_tags(request.body, *caller.tenant);
      if (!tags.value) {
        co_return api_error_response(tags.error);
      }
      const auto result = co_await await_op<storage::queue_item>([&](auto done) {
        console.set_tags(who, consultation_id, tags.value->categories, tags.value->age_band, std::move(done));
      });
      if (result.status != storage::op_status::ok) {
        co_return op_error_response(result.status, result.reason);
      }
      co_return api_json(200, queue_item_json(result.value));
    }
    case handler_id::api_add_note: {
      auto text = parse_text(request.body);
      if (!text.value) {
        co_return api_error_response(text.error);
      }
      const auto result = co_await await_op<storage::note>([&](auto done) {
        console.add_note(who, consultation_id, std::move(*text.value), std::move(done));
      });
      if (result.status != storage::op_status::ok) {
        co_return op_error_response(result.status, result.reason);
      }
      co_return api_json(201, note_json(result.value));
    }
    default:
      break;
  }
  co_return api_error_response("not_found");
}

}  // namespace yorisoi::gateway
