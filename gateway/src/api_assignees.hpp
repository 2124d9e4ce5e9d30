#pragma once
// GET /api/v1/assignees: the people a consultation may be handed to (担当替え). Supervisors hold
// `transfer` but not `manage_staff`, so they cannot read the staff list; this answers only what the
// transfer choice needs.

#include "api_common.hpp"
#include "handlers.hpp"
#include "http_message.hpp"

#include <boost/asio/awaitable.hpp>

namespace yorisoi::gateway {

// After handle_api's admission: answers 200 `{items:[{user_id, display_name, role}]}`, the caller's
// tenant's enabled counsellors and supervisors, sorted by display name (then user id). Runs on the
// session's strand; holds no state.
[[nodiscard]] boost::asio::awaitable<http_response> handle_assignees_api(handler_context& context,
                                                                         const api_caller& caller);

}  // namespace yorisoi::gateway
