#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::bench {

// base64(HMAC-SHA256(secret, body)), as LINE computes X-Line-Signature. The algorithm fetch and the
// key schedule are done once: OpenSSL 3's one-shot HMAC() repeats both and costs several times more.
// Not thread-safe: one per thread.
class line_signer {
 public:
  explicit line_signer(std::string_view secret);
  ~line_signer();
  line_signer(const line_signer&) = delete;
  line_signer& operator=(const line_signer&) = delete;

  [[nodiscard]] std::string sign(std::string_view body);

 private:
  struct openssl_state;
  std::unique_ptr<openssl_state> state_;
};

// One-off form of line_signer::sign.
[[nodiscard]] std::string line_signature(std::string_view secret, std::string_view body);

// Builds complete, signed HTTP/1.1 requests that look like what the LINE platform sends: a JSON body of
// text-message events from a handful of users, with Japanese text, signed with line_signer.
// Not thread-safe: one builder per producing thread.
class line_request_builder {
 public:
  struct settings {
    std::string host_header;  // e.g. "127.0.0.1:8080"
    std::string path;         // e.g. "/webhook/line/yamagata"
    std::string secret;
    std::string id_prefix;  // webhookEventId = id_prefix + decimal counter
    unsigned users = 64;
    std::uint64_t seed = 1;
  };

  explicit line_request_builder(settings s);

  // Appends one request carrying `count` events whose ids are id_prefix + first_id ... first_id+count-1.
  void append_request(std::uint64_t first_id, unsigned count, std::string& out);

  // The body of the last request appended (for tests and debugging).
  [[nodiscard]] const std::string& last_body() const { return body_; }

 private:
  void append_event(std::uint64_t id, std::string& body);
  void append_japanese_text(std::string& body);

  settings settings_;
  line_signer signer_;
  std::mt19937_64 random_;
  std::vector<std::string> user_ids_;
  std::string destination_;
  std::string body_;
  std::uint64_t message_counter_ = 0;
};

}  // namespace yorisoi::bench
