// The configuration turned into the options of the storage layer and its stores.
#include "wiring.hpp"

#include "yorisoi/gateway/api_report_json.hpp"
#include "yorisoi/gateway/tenant_rules.hpp"

namespace yorisoi::app {

yorisoi::storage::options storage_options(const yorisoi::config::settings& settings) {
  yorisoi::storage::options opts;
  opts.url = settings.database.url;
  opts.pool_size = settings.database.pool_size;
  opts.ingest_workers = settings.database.ingest_workers;
  opts.ingest_max_batch = settings.database.ingest_max_batch;
  opts.inbox_partitions = settings.server.inbox_partitions;
  opts.inbox_workers = settings.server.inbox_workers;
  opts.inbox_max_attempts = settings.server.inbox_max_attempts;
  opts.tenant_rules = yorisoi::gateway::make_all_tenant_rules(settings);
  if (settings.idle_close) {
    for (const auto& tenant : settings.tenants) {
      opts.idle_close_after.emplace(tenant.id, tenant.idle_close_after);
    }
  }
  opts.reply_token_usable = settings.line.reply_token_usable;
  for (const auto& tenant : settings.tenants) {
    if (tenant.alert) {
      const bool any = tenant.alert->on == yorisoi::config::alert_trigger::any;
      const auto on = any ? yorisoi::routing::alert_on::any : yorisoi::routing::alert_on::urgent;
      opts.alert_policies.emplace(tenant.id, yorisoi::routing::alert_policy{on});
    }
  }
  return opts;
}

yorisoi::storage::session_policy session_policy(const yorisoi::config::settings& settings) {
  const auto& s = settings.server.sessions;
  yorisoi::storage::session_policy policy;
  policy.idle = s.idle;
  policy.absolute = s.absolute;
  policy.delay = {s.free_failures_per_name_address, s.first_delay, s.max_delay};
  policy.max_failures_per_address = s.max_failures_per_address;
  policy.failure_window = s.failure_window;
  return policy;
}

yorisoi::storage::keyring make_keyring(const yorisoi::config::settings& settings) {
  return yorisoi::storage::keyring(settings.crypto.keys, settings.crypto.pseudonym_pepper);
}

namespace {

yorisoi::routing::unit_kind unit_kind_of(yorisoi::config::org_unit_kind kind) {
  switch (kind) {
    case yorisoi::config::org_unit_kind::hub:
      return yorisoi::routing::unit_kind::hub;
    case yorisoi::config::org_unit_kind::department:
      return yorisoi::routing::unit_kind::department;
    case yorisoi::config::org_unit_kind::platform_group:
      return yorisoi::routing::unit_kind::platform_group;
  }
  return yorisoi::routing::unit_kind::department;
}

}  // namespace

// Tenants without org units take no referrals (the store refuses an empty unit list): they are left
// out, and their calls answer not_found.
yorisoi::storage::referral_store_options referral_options(const yorisoi::config::settings& settings) {
  yorisoi::storage::referral_store_options opts;
  opts.url = settings.database.url;
  for (const auto& tenant : settings.tenants) {
    if (tenant.org_units.empty()) {
      continue;
    }
    yorisoi::storage::referral_tenant t;
    for (const auto& unit : tenant.org_units) {
      t.units.push_back({unit.id, unit.name, unit_kind_of(unit.kind)});
    }
    t.consent_ttl = tenant.referrals.consent_ttl;
    t.hub_skipped = tenant.referrals.hub_skipped;
    t.answers_through_hub = tenant.referrals.answers_through_hub;
    t.utc_offset_minutes = tenant.utc_offset_minutes;
    opts.tenants.emplace(tenant.id, std::move(t));
  }
  return opts;
}

// Each tenant's retention period (config retention_days), by tenant id.
std::map<std::string, std::chrono::hours> retention_periods(const yorisoi::config::settings& settings) {
  std::map<std::string, std::chrono::hours> out;
  for (const auto& tenant : settings.tenants) {
    out.emplace(tenant.id, tenant.retention);
  }
  return out;
}

// The reports of every tenant, and the retention job once an hour (one instance at a time: the store
// takes an advisory lock; a run finding it held does nothing).
yorisoi::storage::report_store_options report_options(const yorisoi::config::settings& settings) {
  yorisoi::storage::report_store_options opts;
  opts.url = settings.database.url;
  for (const auto& tenant : settings.tenants) {
    opts.tenants.emplace(tenant.id, yorisoi::gateway::make_report_settings(tenant));
  }
  opts.retention = retention_periods(settings);
  opts.retention_every = std::chrono::hours(1);
  return opts;
}

}  // namespace yorisoi::app
