#pragma once
// The routing rules of a tenant, made from its configuration: staffed windows, holidays, closed days,
// service period, automatic answer texts and crisis expressions. Pure; safe from any thread.

#include "yorisoi/config/config.hpp"
#include "yorisoi/routing/inbound.hpp"

#include <map>
#include <string>

namespace yorisoi::gateway {

// `tenant` is a validated config::tenant (config::load checked dates and windows).
[[nodiscard]] routing::schedule_rules make_schedule_rules(const config::tenant& tenant);
[[nodiscard]] routing::tenant_rules make_tenant_rules(const config::tenant& tenant);

// Every tenant of the deployment, by tenant id.
[[nodiscard]] std::map<std::string, routing::tenant_rules> make_all_tenant_rules(
    const config::settings& settings);

}  // namespace yorisoi::gateway
