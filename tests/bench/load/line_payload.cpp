#include "load/line_payload.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace yorisoi::bench {
namespace {

// Fragments a resident might write; joined at random so bodies differ in length and content.
// None contains a quote or backslash, so they go into JSON unescaped.
constexpr std::array<std::string_view, 24> fragments = {"こんばんは。",
                                                        "はじめて相談します。",
                                                        "最近なかなか眠れません。",
                                                        "仕事のことで悩んでいます。",
                                                        "誰とも話さない日が続いています。",
                                                        "家族とうまくいっていません。",
                                                        "少し話を聞いてほしいです。",
                                                        "子育てがつらくて、",
                                                        "職場の人間関係がしんどいです。",
                                                        "一人暮らしで寂しいです。",
                                                        "友だちに相談しづらくて、",
                                                        "体調がずっと悪くて不安です。",
                                                        "お金のことが心配で、",
                                                        "母の介護で疲れてしまいました。",
                                                        "学校に行けていません。",
                                                        "どこに相談したらいいかわかりません。",
                                                        "趣味の仲間がほしいです。",
                                                        "夜になると気持ちが沈みます。",
                                                        "ありがとうございます。",
                                                        "また連絡します。",
                                                        "今日は雪がたくさん降りました。",
                                                        "山形に引っ越してきたばかりです。",
                                                        "ちょっとしたことなんですが、",
                                                        "よろしくお願いします。"};

void append_hex(std::string& out, std::uint64_t value, int digits) {
  static constexpr char hex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) {
    out.push_back(hex[(value >> (4 * (i % 16))) & 0xF]);
  }
}

std::uint64_t mix(std::uint64_t x) {
  // splitmix64 finaliser: spreads a counter into a random-looking id.
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::string line_user_id(std::uint64_t seed, std::uint64_t index) {
  std::string id = "U";
  append_hex(id, mix(seed * 1000003 + index), 16);
  append_hex(id, mix(~(seed * 1000003 + index)), 16);
  return id;
}

}  // namespace

struct line_signer::openssl_state {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* ctx = nullptr;

  ~openssl_state() {
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
  }
};

line_signer::line_signer(std::string_view secret) : state_(std::make_unique<openssl_state>()) {
  state_->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  state_->ctx = state_->mac == nullptr ? nullptr : EVP_MAC_CTX_new(state_->mac);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  if (state_->ctx == nullptr ||
      EVP_MAC_init(state_->ctx, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                   params) != 1) {
    throw std::runtime_error("cannot set up HMAC-SHA256");
  }
}

line_signer::~line_signer() = default;

std::string line_signer::sign(std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  std::size_t mac_len = 0;
  // A null key re-initialises with the key already scheduled.
  if (EVP_MAC_init(state_->ctx, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(state_->ctx, reinterpret_cast<const unsigned char*>(body.data()), body.size()) != 1 ||
      EVP_MAC_final(state_->ctx, mac.data(), &mac_len, mac.size()) != 1) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded{};
  const int n = EVP_EncodeBlock(encoded.data(), mac.data(), static_cast<int>(mac_len));
  return std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(n));
}

std::string line_signature(std::string_view secret, std::string_view body) {
  return line_signer(secret).sign(body);
}

line_request_builder::line_request_builder(settings s)
    : settings_(std::move(s)), signer_(settings_.secret), random_(settings_.seed) {
  user_ids_.reserve(settings_.users);
  for (unsigned i = 0; i < settings_.users; ++i) {
    user_ids_.push_back(line_user_id(settings_.seed, i));
  }
  destination_ = line_user_id(settings_.seed, 0xDE57);
  body_.reserve(4096);
}

void line_request_builder::append_japanese_text(std::string& body) {
  const auto parts = 1 + random_() % 4;
  for (std::uint64_t i = 0; i < parts; ++i) {
    body.append(fragments[random_() % fragments.size()]);
  }
}

void line_request_builder::append_event(std::uint64_t id, std::string& body) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::uint64_t message_number = ++message_counter_;
  char number[32];

  body.append(R"({"type":"message","message":{"type":"text","id":")");
  std::snprintf(number, sizeof number, "%llu",
                480000000000000000ULL + settings_.seed * 10000000000ULL + message_number);
  body.append(number);
  body.append(R"(","quoteToken":")");
  append_hex(body, mix(message_number ^ 0x51), 16);
  append_hex(body, mix(message_number ^ 0x52), 16);
  body.append(R"(","text":")");
  append_japanese_text(body);
  body.append(R"("},"webhookEventId":")");
  body.append(settings_.id_prefix);
  std::snprintf(number, sizeof number, "%llu", static_cast<unsigned long long>(id));
  body.append(number);
  body.append(R"(","deliveryContext":{"isRedelivery":false},"timestamp":)");
  std::snprintf(number, sizeof number, "%lld", static_cast<long long>(now_ms));
  body.append(number);
  body.append(R"(,"source":{"type":"user","userId":")");
  body.append(user_ids_[random_() % user_ids_.size()]);
  body.append(R"("},"replyToken":")");
  append_hex(body, mix(message_number ^ 0x7E), 16);
  append_hex(body, mix(message_number ^ 0x7F), 16);
  body.append(R"(","mode":"active"})");
}

void line_request_builder::append_request(std::uint64_t first_id, unsigned count, std::string& out) {
  body_.clear();
  body_.append(R"({"destination":")");
  body_.append(destination_);
  body_.append(R"(","events":[)");
  for (unsigned i = 0; i < count; ++i) {
    if (i > 0) {
      body_.push_back(',');
    }
    append_event(first_id + i, body_);
  }
  body_.append("]}");

  out.append("POST ");
  out.append(settings_.path);
  out.append(" HTTP/1.1\r\nHost: ");
  out.append(settings_.host_header);
  out.append(
      "\r\nUser-Agent: LineBotWebhook/2.0\r\nContent-Type: application/json; charset=utf-8\r\n"
      "X-Line-Signature: ");
  out.append(signer_.sign(body_));
  out.append("\r\nContent-Length: ");
  out.append(std::to_string(body_.size()));
  out.append("\r\n\r\n");
  out.append(body_);
}

}  // namespace yorisoi::bench
