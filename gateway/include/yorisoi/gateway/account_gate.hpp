#pragma once
// The account gate at the gateway: the facts of a session (storage) and its tenant (config) given to
// routing's rule, and the 403 a refused route answers. Pure; thread-safe; no I/O.

#include "yorisoi/config/config.hpp"
#include "yorisoi/gateway/api_json.hpp"
#include "yorisoi/routing/account_gate.hpp"
#include "yorisoi/storage/console.hpp"

#include <optional>

namespace yorisoi::gateway {

[[nodiscard]] routing::account_pending pending_step_of(const storage::session_info& session,
                                                       const config::tenant& tenant);

// 403 `forbidden` with the pending step as `reason` when a route of kind `step` is not open to the
// session yet; nullopt when it is.
[[nodiscard]] std::optional<api_error> account_gate_refusal(const storage::session_info& session,
                                                            const config::tenant& tenant,
                                                            routing::account_step step);

}  // namespace yorisoi::gateway
