#include "ingest/ingest_batch.hpp"

#include <pqxx/pqxx>

namespace yorisoi::storage::detail {
namespace {

constexpr const char* insert_name = "ingest_insert";

// ON CONFLICT DO NOTHING makes redeliveries no-ops; RETURNING names the rows that were new.
constexpr const char* insert_sql = R"sql(
INSERT INTO inbox_event (tenant_id, webhook_event_id, channel_key, event_type, mode, occurred_at,
                         redelivery, pseudonym, payload, key_id, received_at, lane)
SELECT t, w, c, ty, m, timestamptz 'epoch' + ts * interval '1 millisecond', r, p, pl, k,
       coalesce(timestamptz 'epoch' + rcv * interval '1 millisecond', now()), l
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::bool[],
              $8::bytea[], $9::bytea[], $10::int4[], $11::int8[], $12::text[])
       AS u(t, w, c, ty, m, ts, r, p, pl, k, rcv, l)
ON CONFLICT (tenant_id, webhook_event_id) DO NOTHING
RETURNING tenant_id, webhook_event_id
)sql";

std::string_view type_name_of(const routing::line_event& ev) {
  return ev.type_name.empty() ? routing::to_string(ev.type) : std::string_view(ev.type_name);
}

std::string_view mode_name(routing::line_event_mode mode) {
  switch (mode) {
    case routing::line_event_mode::active:
      return "active";
    case routing::line_event_mode::standby:
      return "standby";
  }
  return "active";
}

}  // namespace

void ingest_batch::prepare(pqxx::connection& conn) {
  conn.prepare(insert_name, insert_sql);
}

std::string_view ingest_batch::lane_of(const std::string& tenant_id, const routing::line_event& ev) const {
  if (ev.type != routing::line_event_type::message || ev.message_type != "text" || ev.source_user_id.empty()) {
    return "ordinary";
  }
  const auto rules = rules_.find(tenant_id);
  return rules != rules_.end() && rules->second.risk.matches(ev.text) ? "crisis" : "ordinary";
}

void ingest_batch::clear() {
  for (binary_array* a : {&tenant_, &webhook_event_id_, &channel_key_, &event_type_, &mode_, &timestamp_ms_,
                          &redelivery_, &pseudonym_, &payload_, &key_id_, &received_ms_, &lane_}) {
    a->clear();
  }
  first_.clear();
  inserted_.assign(inserted_.size(), 0);
}

const std::vector<std::size_t>& ingest_batch::write(pqxx::connection& conn,
                                                    const std::vector<const ingest_request*>& requests) {
  clear();
  inserted_.assign(requests.size(), 0);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const ingest_request& req = *requests[i];
    context_.assign(req.tenant_id).append("/inbox");
    for (const routing::line_event& ev : req.events) {
      // A repeat inside the batch is sent once; it counts as a duplicate of its first copy.
      if (!first_.try_emplace(event_key{req.tenant_id, ev.webhook_event_id}, i).second) {
        continue;
      }
      tenant_.add(std::string_view(req.tenant_id));
      webhook_event_id_.add(std::string_view(ev.webhook_event_id));
      channel_key_.add(std::string_view(req.channel_key));
      event_type_.add(type_name_of(ev));
      mode_.add(mode_name(ev.mode));
      timestamp_ms_.add(static_cast<std::int64_t>(ev.timestamp_ms));
      redelivery_.add(ev.redelivery);
      if (ev.source_user_id.empty()) {
        pseudonym_.add_null();
      } else {
        pseudonym_.add(std::string_view(keys_.pseudonym(req.channel_key, ev.source_user_id)));
      }
      const sealed payload = keys_.seal(ev.raw_json, context_);
      payload_.add(std::string_view(payload.blob));
      key_id_.add(static_cast<std::int32_t>(payload.key_id));
      if (req.received_unix_ms) {
        received_ms_.add(*req.received_unix_ms);
      } else {
        received_ms_.add_null();
      }
      lane_.add(lane_of(req.tenant_id, ev));
    }
  }
  if (first_.empty()) {
    return inserted_;
  }

  pqxx::nontransaction tx(conn, "ingest");
  const pqxx::result rows = tx.exec_prepared(
      insert_name, pqxx::binarystring(tenant_.bytes()), pqxx::binarystring(webhook_event_id_.bytes()),
      pqxx::binarystring(channel_key_.bytes()), pqxx::binarystring(event_type_.bytes()),
      pqxx::binarystring(mode_.bytes()), pqxx::binarystring(timestamp_ms_.bytes()),
      pqxx::binarystring(redelivery_.bytes()), pqxx::binarystring(pseudonym_.bytes()),
      pqxx::binarystring(payload_.bytes()), pqxx::binarystring(key_id_.bytes()),
      pqxx::binarystring(received_ms_.bytes()), pqxx::binarystring(lane_.bytes()));
  for (const auto& row : rows) {
    const event_key key{std::string_view(row[0].c_str(), row[0].size()),
                        std::string_view(row[1].c_str(), row[1].size())};
    if (auto it = first_.find(key); it != first_.end()) {
      ++inserted_[it->second];
    }
  }
  return inserted_;
}

}  // namespace yorisoi::storage::detail
