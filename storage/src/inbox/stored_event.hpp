#pragma once
// Reading an event back from the inbox: the stored payload is LINE's event object as JSON, mapped by
// the same function that mapped it when the webhook arrived (yorisoi/storage/line_event_json.hpp).
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

// line_event_from_json on the stored payload; throws unusable_event (saying what is wrong, never
// quoting the payload) when it gives no event.
[[nodiscard]] routing::line_event parse_stored_event(std::string_view json);

}  // namespace yorisoi::storage::detail
