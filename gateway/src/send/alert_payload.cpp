#include "yorisoi/gateway/alert_payload.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include <array>

namespace yorisoi::gateway {

std::string alert_body(const alert_fields& fields, std::string_view console_base) {
  boost::json::object body;
  body["type"] = "yorisoi.alert";
  body["alert_id"] = fields.alert_id;
  body["tenant"] = fields.tenant;
  body["kind"] = fields.kind;
  body["resident"] = fields.resident;
  body["consultation_id"] = fields.consultation_id;
  body["at"] = fields.at;
  body["console_url"] = std::string(console_base) + "/console/#/c/" + fields.consultation_id;
  return boost::json::serialize(body);
}

std::string alert_signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string material;
  material.reserve(timestamp.size() + 1 + body.size());
  material.append(timestamp).append(".").append(body);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(material.data()), material.size(), mac.data(), &length);
  constexpr std::string_view hex = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 0x0f];
  }
  return out;
}

send_outcome classify_alert_answer(int status) noexcept {
  if (status >= 200 && status < 300) {
    return send_outcome::sent;
  }
  if (status == 0 || status == 408 || status == 429 || status >= 500) {
    return send_outcome::retry;
  }
  return send_outcome::failed;
}

}  // namespace yorisoi::gateway
