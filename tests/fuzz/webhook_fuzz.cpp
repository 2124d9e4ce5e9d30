// libFuzzer target for the webhook's untrusted-input path: signature verification on arbitrary
// bytes and headers, then the parser and event mapping. Any crash, leak, sanitizer report or
// escaping exception (other than bad_alloc) is a bug.
#include "yorisoi/gateway/line_signature.hpp"
#include "yorisoi/gateway/webhook_parser.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first 44 bytes double as a signature header, the whole input as the body.
  const std::string_view header = input.substr(0, std::min<std::size_t>(44, input.size()));
  (void)yorisoi::gateway::verify_line_signature("fuzz-secret", input, header);
  // The signature LINE would send must verify: the round trip holds for any body.
  const std::string signature = yorisoi::gateway::sign_line_body("fuzz-secret", input);
  if (yorisoi::gateway::verify_line_signature("fuzz-secret", input, signature) !=
      yorisoi::gateway::signature_status::valid) {
    __builtin_trap();
  }

  const auto result = yorisoi::gateway::parse_webhook(input);
  if (result.ok()) {
    for (const auto& event : result.events) {
      // Every mapped event has an id to deduplicate on and the object it came from.
      if (event.webhook_event_id.empty() || event.raw_json.empty() || event.type_name.empty()) {
        __builtin_trap();
      }
    }
  } else if (!result.events.empty()) {
    __builtin_trap();
  }
  return 0;
}
