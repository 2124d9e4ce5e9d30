#pragma once
// A consultation as the resident's history lists it (the HistoryItem schema), for the answers that
// build on it (the search's results). Internal to the gateway; pure.

#include "yorisoi/storage/console.hpp"

#include <boost/json/object.hpp>

namespace yorisoi::gateway::detail {

[[nodiscard]] boost::json::object history_object(const storage::history_item& h);

}  // namespace yorisoi::gateway::detail
