#include "crypto/key_rotation.hpp"

#include "db/pg_array.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <array>
#include <chrono>
#include <thread>
#include <vector>

namespace yorisoi::storage::detail {
namespace {

// Who seals what (grep "seal(" in storage/src):
//   inbox_event.payload       ingest_batch.cpp                        <tenant>/inbox
//   resident.line_user_id     inbox_apply.cpp                         <tenant>/resident
//   message.body              apply_message.cpp, outbox_write.cpp,
//                             console_work.cpp                        <tenant>/message
//   outbox.messages           outbox_write.cpp, console_work.cpp      <tenant>/outbox
//   outbox.reply_token        outbox_write.cpp                        <tenant>/outbox
//   consultation_note.body    console_work.cpp                        <tenant>/note
//   resident_note.body        console_resident.cpp                    <tenant>/resident_note
//   consultation_risk.reason  console_risk.cpp                        <tenant>/risk
//   referral.summary, .reason, .emergency_reason   referral_ops.cpp   <tenant>/referral
//   referral_unit.answer      referral_officer.cpp                    <tenant>/referral
//   staff_totp.secret         console_totp.cpp                        <tenant>/totp
constexpr std::array<sealed_column, 13> columns{{
    {"inbox_event.payload", "inbox_event", "event_id", "payload", "key_id", "/inbox"},
    {"resident.line_user_id", "resident", "resident_id", "line_user_id", "line_user_key_id", "/resident"},
    {"message.body", "message", "message_id", "body", "body_key_id", "/message"},
    {"outbox.messages", "outbox", "outbox_id", "messages", "messages_key_id", "/outbox"},
    {"outbox.reply_token", "outbox", "outbox_id", "reply_token", "reply_token_key_id", "/outbox"},
    {"consultation_note.body", "consultation_note", "note_id", "body", "body_key_id", "/note"},
    {"resident_note.body", "resident_note", "note_id", "body", "body_key_id", "/resident_note"},
    {"consultation_risk.reason", "consultation_risk", "risk_id", "reason", "reason_key_id", "/risk"},
    {"referral.summary", "referral", "referral_id", "summary", "summary_key_id", "/referral"},
    {"referral.reason", "referral", "referral_id", "reason", "reason_key_id", "/referral"},
    {"referral.emergency_reason", "referral", "referral_id", "emergency_reason", "emergency_reason_key_id",
     "/referral"},
    {"referral_unit.answer", "referral_unit", "referral_unit_id", "answer", "answer_key_id", "/referral"},
    {"staff_totp.secret", "staff_totp", "user_id", "secret", "secret_key_id", "/totp"},
}};

// Before the first row of any table: no tenant id is empty and gen_random_uuid() never yields nil.
constexpr const char* start_tenant = "";
constexpr const char* start_id = "00000000-0000-0000-0000-000000000000";

// A pass that found rows locked by writers waits this long before the next one, so that the
// writers' short transactions can end.
constexpr std::chrono::milliseconds between_passes{100};

// The column's entry in the report (added when missing); an index, since the vector may grow.
std::size_t totals_for(rotation_report& report, const sealed_column& column) {
  for (std::size_t i = 0; i < report.columns.size(); ++i) {
    if (report.columns[i].column == column.name) {
      return i;
    }
  }
  report.columns.push_back(column_rotation{column.name, {}, 0});
  return report.columns.size() - 1;
}

}  // namespace

std::span<const sealed_column> sealed_columns() noexcept {
  return columns;
}

column_rotator::column_rotator(pqxx::connection& conn, const keyring& keys, const sealed_column& column,
                               std::size_t batch, rotation_report& report)
    : conn_(conn),
      keys_(keys),
      column_(column),
      batch_(batch == 0 ? 1 : batch),
      report_(report),
      totals_index_(totals_for(report, column)) {
  const std::string table = column.table;
  const std::string id = column.id;
  const std::string blob = column.blob;
  const std::string key = column.key_id;
  // The primary key (tenant_id, id) orders the batches, so each pass is one walk of its index; SKIP
  // LOCKED leaves rows that a writer holds to a later pass instead of waiting for them. NULL key ids
  // (no value) never match `<>`.
  select_sql_ = "SELECT tenant_id, " + id + "::text, " + blob + ", " + key + " FROM " + table + " WHERE " +
                key + " <> $1 AND (tenant_id, " + id + ") > ($2, $3::uuid) ORDER BY tenant_id, " + id +
                " LIMIT $4 FOR UPDATE SKIP LOCKED";
  // The rows are locked by this transaction, so the key id test only guards against a mistake.
  update_sql_ = "UPDATE " + table + " AS t SET " + blob + " = u.b, " + key +
                " = $1 FROM unnest($2::text[], $3::text[], $4::bytea[], $5::int4[]) AS u(tenant_id, id, b, "
                "old) WHERE t.tenant_id = u.tenant_id AND t." +
                id + " = u.id::uuid AND t." + key + " = u.old";
  count_sql_ = "SELECT count(*) FROM " + table + " WHERE " + key + " <> $1";
}

std::size_t column_rotator::run(unsigned max_passes, std::stop_token stop) {
  std::size_t remaining = 0;
  for (unsigned n = 0; n < std::max(1U, max_passes); ++n) {
    if (n > 0) {
      std::this_thread::sleep_for(between_passes * n);
    }
    if (!pass(stop)) {
      report_.stopped = true;
      break;
    }
    remaining = count_remaining();
    // Failed rows stay under their old key for good; anything else was locked or newly written.
    if (remaining <= failed_.size()) {
      break;
    }
  }
  totals().remaining = count_remaining();
  return totals().remaining;
}

bool column_rotator::pass(std::stop_token stop) {
  after_tenant_ = start_tenant;
  after_id_ = start_id;
  while (true) {
    if (stop.stop_requested()) {
      return false;
    }
    if (next_batch() == 0) {
      return true;
    }
  }
}

std::size_t column_rotator::next_batch() {
  const auto target = static_cast<std::int32_t>(keys_.current_key_id());
  binary_array tenants(pg_oid::text);
  binary_array ids(pg_oid::text);
  binary_array blobs(pg_oid::bytea);
  binary_array old_keys(pg_oid::int4);
  std::vector<std::string> resealed_tenants;

  pqxx::work tx(conn_);
  const pqxx::result rows =
      tx.exec_params(select_sql_, target, after_tenant_, after_id_, static_cast<long long>(batch_));
  for (const auto& r : rows) {
    const std::string tenant = r[0].as<std::string>();
    const std::string id = r[1].as<std::string>();
    after_tenant_ = tenant;
    after_id_ = id;
    if (failed_.contains({tenant, id})) {
      continue;
    }
    const auto old_key = r[3].as<std::int32_t>();
    const std::string context = tenant + column_.context_suffix;
    std::string plaintext;
    try {
      plaintext =
          keys_.open(sealed{static_cast<std::uint32_t>(old_key), pqxx::binarystring(r[2]).str()}, context);
    } catch (const crypto_error& e) {
      // crypto_error texts name the key id or the failed check, never the value.
      fail(tenant, id, e.what());
      continue;
    }
    const sealed fresh = keys_.seal(plaintext, context);
    tenants.add(std::string_view(tenant));
    ids.add(std::string_view(id));
    blobs.add(std::string_view(fresh.blob));
    old_keys.add(old_key);
    resealed_tenants.push_back(tenant);
  }
  std::size_t updated = 0;
  if (tenants.size() > 0) {
    updated = tx.exec_params(update_sql_, target, pqxx::binarystring(tenants.bytes()),
                             pqxx::binarystring(ids.bytes()), pqxx::binarystring(blobs.bytes()),
                             pqxx::binarystring(old_keys.bytes()))
                  .affected_rows();
  }
  tx.commit();
  // Counted after the commit: a batch that fails to commit re-seals nothing. The rows are locked, so
  // every one of them was updated.
  for (const auto& tenant : resealed_tenants) {
    ++report_.by_tenant[tenant][column_.name].resealed;
  }
  totals().counts.resealed += updated;
  return rows.size();
}

std::size_t column_rotator::count_remaining() {
  pqxx::read_transaction tx(conn_);
  return tx.exec_params1(count_sql_, static_cast<std::int32_t>(keys_.current_key_id()))[0].as<std::size_t>();
}

void column_rotator::fail(const std::string& tenant_id, const std::string& row_id, const char* reason) {
  failed_.emplace(tenant_id, row_id);
  report_.failures.push_back(rotation_failure{column_.name, tenant_id, row_id, reason});
  ++report_.by_tenant[tenant_id][column_.name].failed;
  ++totals().counts.failed;
}

}  // namespace yorisoi::storage::detail
