#pragma once
// The shift's JSON: presence entries (one's own, the whole shift) and the bodies of the presence and
// capacity routes. Pure; no I/O.

#include "yorisoi/gateway/api_json.hpp"
#include "yorisoi/routing/shift.hpp"
#include "yorisoi/storage/console.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::gateway {

// {user_id, display_name, role, status, since|null, load, capacity, own_capacity|null}
[[nodiscard]] std::string presence_json(const storage::presence_entry& entry);
// {entry…, returned: [consultation ids]}
[[nodiscard]] std::string presence_outcome_json(const storage::presence_outcome& outcome);
// {items: [entry…]}
[[nodiscard]] std::string shift_json(const std::vector<storage::presence_entry>& entries);

struct presence_request {
  routing::presence status = routing::presence::off;
  std::string handover_note;  // may be empty; at most 5000 characters
};
// {status: available|away|off, handover_note?: string}; anything else 400.
[[nodiscard]] parsed<presence_request> parse_presence_request(std::string_view body);
// {capacity: 1..50 | null} (null: back to the tenant's default); a number outside it 422
// capacity_out_of_range, anything else 400.
[[nodiscard]] parsed<std::optional<unsigned>> parse_capacity(std::string_view body);

}  // namespace yorisoi::gateway
