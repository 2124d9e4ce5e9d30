#include "line/line_client.hpp"

#include <boost/json.hpp>

namespace yorisoi::gateway {
namespace json = boost::json;

namespace {

// {"<key>":"<value>","messages":<messages_json>}; the messages are a JSON array already (storage
// wrote them), so they are spliced in rather than parsed and printed again.
std::string body_with_messages(std::string_view key, const std::string& value,
                               const std::string& messages_json) {
  std::string body = "{";
  body += json::serialize(json::string(key));
  body += ':';
  body += json::serialize(json::string(value));
  body += ",\"messages\":";
  body += messages_json;
  body += '}';
  return body;
}

}  // namespace

line_client::line_client(boost::asio::any_io_executor strand, line_http_options options)
    : http_(std::move(strand), std::move(options)) {}

boost::asio::awaitable<line_answer> line_client::reply(const std::string& access_token,
                                                       const std::string& reply_token,
                                                       const std::string& messages_json) {
  co_return co_await http_.post("/v2/bot/message/reply", access_token,
                                body_with_messages("replyToken", reply_token, messages_json), "");
}

boost::asio::awaitable<line_answer> line_client::push(const std::string& access_token, const std::string& to,
                                                      const std::string& messages_json,
                                                      const std::string& retry_key) {
  co_return co_await http_.post("/v2/bot/message/push", access_token,
                                body_with_messages("to", to, messages_json), retry_key);
}

boost::asio::awaitable<line_answer> line_client::mark_as_read(const std::string& access_token,
                                                              const std::string& read_token) {
  json::object body;
  body["markAsReadToken"] = read_token;
  co_return co_await http_.post("/v2/bot/chat/markAsRead", access_token, json::serialize(body), "");
}

boost::asio::awaitable<line_answer> line_client::start_loading(const std::string& access_token,
                                                               const std::string& chat_id, int seconds) {
  json::object body;
  body["chatId"] = chat_id;
  body["loadingSeconds"] = seconds;
  co_return co_await http_.post("/v2/bot/chat/loading/start", access_token, json::serialize(body), "");
}

}  // namespace yorisoi::gateway
