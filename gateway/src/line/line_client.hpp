#pragma once
// LINE's Messaging API as yorisoi uses it: reply and push (the outbox sender), and the chat signals
// (line_signals): a read mark and the loading animation. The access token goes only into the
// Authorization header; callers must never log it, the reply or read token, the user id or the messages.
//
// Thread-safety: as line_http — construct with a strand and call only from that strand.

#include "line/line_http.hpp"

#include <string>

namespace yorisoi::gateway {

class line_client {
 public:
  line_client(boost::asio::any_io_executor strand, line_http_options options);

  // POST /v2/bot/message/reply {"replyToken", "messages"}. LINE refuses X-Line-Retry-Key here.
  [[nodiscard]] boost::asio::awaitable<line_answer> reply(const std::string& access_token,
                                                          const std::string& reply_token,
                                                          const std::string& messages_json);
  // POST /v2/bot/message/push {"to", "messages"} with X-Line-Retry-Key: `retry_key` (a UUID).
  [[nodiscard]] boost::asio::awaitable<line_answer> push(const std::string& access_token,
                                                         const std::string& to,
                                                         const std::string& messages_json,
                                                         const std::string& retry_key);

  // POST /v2/bot/chat/markAsRead {"markAsReadToken"}: the resident's messages up to that one show 既読.
  [[nodiscard]] boost::asio::awaitable<line_answer> mark_as_read(const std::string& access_token,
                                                                 const std::string& read_token);
  // POST /v2/bot/chat/loading/start {"chatId", "loadingSeconds"} (one-to-one chats only; 5..60, a
  // multiple of 5): the resident sees the loading animation until then or until the next message.
  [[nodiscard]] boost::asio::awaitable<line_answer> start_loading(const std::string& access_token,
                                                                  const std::string& chat_id, int seconds);

  void close_idle() { http_.close_idle(); }

 private:
  line_http http_;
};

}  // namespace yorisoi::gateway
