#pragma once
// Risk levels' JSON: the body of the risk route and the history of a consultation's levels. Pure; no I/O.

#include "yorisoi/gateway/api_json.hpp"
#include "yorisoi/routing/risk.hpp"
#include "yorisoi/storage/console.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::gateway {

struct risk_request {
  routing::risk_level level = routing::risk_level::low;
  std::string reason;  // length checked by storage (422 reason_length)
};
// {level: low|medium|high|critical, reason: string}; anything else 400.
[[nodiscard]] parsed<risk_request> parse_risk_request(std::string_view body);

// {items: [{risk_id, level, lowered, reason|null, author: {user_id, display_name}, set_at}]}, newest first.
[[nodiscard]] std::string risk_history_json(const std::vector<storage::risk_change>& changes);

}  // namespace yorisoi::gateway
