#include "inbox/stored_event.hpp"

#include "yorisoi/storage/line_event_json.hpp"

namespace yorisoi::storage::detail {

routing::line_event parse_stored_event(std::string_view json) {
  line_event_json_result result = line_event_from_json(json);
  switch (result.error) {
    case line_event_json_error::none:
      return std::move(result.event);
    case line_event_json_error::not_json:
      throw unusable_event("payload is not valid JSON");
    case line_event_json_error::not_object:
      throw unusable_event("payload is not a JSON object");
    case line_event_json_error::without_type:
      break;
  }
  throw unusable_event("payload has no event type");
}

}  // namespace yorisoi::storage::detail
