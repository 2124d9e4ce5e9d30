#pragma once
// Reading an event back from the inbox: the stored payload is LINE's event object as JSON.
//
// Pure functions; safe from any thread.

#include "yorisoi/routing/line_event.hpp"

#include <stdexcept>
#include <string_view>

namespace yorisoi::storage::detail {

// A stored event that can never be applied (undecodable, not JSON, missing fields). The processor
// records it on the row and moves on; it is not retried.
class unusable_event : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses one webhook event object (as the gateway stored it) into the routing value type. For unsend
// events, `message_id` is `unsend.messageId`. Throws unusable_event when the text is not a JSON
// object or `type` is missing.
[[nodiscard]] routing::line_event parse_stored_event(std::string_view json);

}  // namespace yorisoi::storage::detail
