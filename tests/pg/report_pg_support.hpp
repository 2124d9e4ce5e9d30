#pragma once
// The reports' pg tests: a hand-made history written with SQL (exact instants, so every figure is known
// in advance), the tenant's report settings, and synchronous wrappers of report_store.

#include "storage_routing_support.hpp"
#include "yorisoi/storage/report.hpp"

#include <string>

namespace yorisoi::storage::pgtest {

// Yamagata's pilot: Mon–Fri 18:00–21:00 JST, national holidays closed.
inline routing::report_settings pilot_report_settings() {
  routing::report_settings s;
  s.schedule.windows.push_back({{1, 2, 3, 4, 5}, 18 * 60, 21 * 60});
  s.categories = {"家族関係", "孤独・孤立", "仕事・就労関係"};
  s.age_bands = {"10代", "20代", "30代", "40代"};
  s.links = {{"web-ads", "Web広告"}, {"facebook", "Facebook"}, {"flyer", "チラシ"}};
  s.units = {{"seikatsu-fukushi", "生活福祉課"}, {"kenko", "健康増進課"}, {"koyo", "雇用創出課"}};
  return s;
}

inline void exec_sql(const std::string& url, const std::string& query) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  tx.exec(query);
  tx.commit();
}

// The history (tenant yamagata unless said otherwise; times JST = UTC+9):
//   R1: C0 2023-01-20 19:00 (January: makes R1 a returning consulter in February; referral RF0)
//       C1 2023-02-28 23:50 Tue, off-hours, urgent, runs past midnight into March (a message at 00:30),
//          answered 2023-03-01 18:10 (clock 1100 min, staffed 10 min), 20代, categories 家族関係 + 孤独・孤立
//          tagged after closure, 3 in / 2 out; referral RF4: consent expired, asked again, granted, withdrawn
//   R2: C2 2023-02-20 18:00 Mon, staffed, answered 18:05, 20代, 孤独・孤立, 2 in / 1 out;
//          referral RF1 to kenko, consent granted, answered by kenko
//       C3 2023-02-24 20:00 Fri, staffed, answered 20:30, 30代 (R2's band changed), no category, 1 in / 1
//       out;
//          emergency referral RF3 forwarded to koyo, unanswered
//   R3: C4 2023-02-18 10:00 Sat, off-hours, never answered, no band, 1 in / 1 out (automatic answer);
//          referral RF2 suggesting kenko, consent declined
//   R4: C5 2023-02-17 22:00 Fri, off-hours, answered Mon 2023-02-20 18:30 (clock 4110, staffed 30), 40代,
//          仕事・就労関係, 2 in / 1 out, two notes, closed 2023-02-21; its inbound messages came from inbox
//          rows
//       C6 2023-03-01 00:00 (March)
//   tendo: T1 2023-02-20 19:00 (another tenant)
// Clicks: web-ads 2023-02-16 ×5, flyer 2023-02-28 ×2, web-ads 2023-03-01 ×7, tendo web-ads 2023-02-16 ×9.
inline const char* const report_history_sql = R"sql(
INSERT INTO resident (tenant_id, resident_id, pseudonym, channel_key, line_user_id, line_user_key_id,
                      first_seen_at, last_seen_at)
SELECT t, id::uuid, convert_to(id, 'UTF8'), 'line', '\x00'::bytea, 1, '2023-01-01Z', '2023-03-01Z'
  FROM (VALUES ('yamagata', '00000000-0000-0000-0000-0000000000a1'),
               ('yamagata', '00000000-0000-0000-0000-0000000000a2'),
               ('yamagata', '00000000-0000-0000-0000-0000000000a3'),
               ('yamagata', '00000000-0000-0000-0000-0000000000a4'),
               ('tendo',    '00000000-0000-0000-0000-0000000000b1')) v(t, id);

INSERT INTO consultation (tenant_id, consultation_id, resident_id, state, priority, arrival, opened_at,
                          last_message_at, closed_at, first_answer_at, age_band)
VALUES
 ('yamagata', '00000000-0000-0000-0000-0000000000c0', '00000000-0000-0000-0000-0000000000a1', 'closed', 'normal',
  'staffed', '2023-01-20 19:00+09', '2023-01-20 19:30+09', '2023-01-21 12:00+09', '2023-01-20 19:10+09', '20代'),
 ('yamagata', '00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000a1', 'closed', 'urgent',
  'off_hours', '2023-02-28 23:50+09', '2023-03-01 00:30+09', '2023-03-02 12:00+09', '2023-03-01 18:10+09', '20代'),
 ('yamagata', '00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000a2', 'closed', 'normal',
  'staffed', '2023-02-20 18:00+09', '2023-02-20 18:20+09', '2023-02-20 19:00+09', '2023-02-20 18:05+09', '20代'),
 ('yamagata', '00000000-0000-0000-0000-0000000000c3', '00000000-0000-0000-0000-0000000000a2', 'closed', 'normal',
  'staffed', '2023-02-24 20:00+09', '2023-02-24 20:40+09', '2023-02-25 12:00+09', '2023-02-24 20:30+09', '30代'),
 ('yamagata', '00000000-0000-0000-0000-0000000000c4', '00000000-0000-0000-0000-0000000000a3', 'closed', 'normal',
  'off_hours', '2023-02-18 10:00+09', '2023-02-18 10:00+09', '2023-02-26 12:00+09', NULL, NULL),
 ('yamagata', '00000000-0000-0000-0000-0000000000c5', '00000000-0000-0000-0000-0000000000a4', 'closed', 'normal',
  'off_hours', '2023-02-17 22:00+09', '2023-02-20 18:40+09', '2023-02-21 12:00+09', '2023-02-20 18:30+09', '40代'),
 ('yamagata', '00000000-0000-0000-0000-0000000000c6', '00000000-0000-0000-0000-0000000000a4', 'waiting', 'normal',
  'off_hours', '2023-03-01 00:00+09', '2023-03-01 00:00+09', NULL, NULL, NULL),
 ('tendo', '00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000b1', 'closed', 'urgent',
  'staffed', '2023-02-20 19:00+09', '2023-02-20 19:00+09', '2023-02-20 20:00+09', NULL, '10代');

-- Categories; C1's are tagged after its closure.
INSERT INTO consultation_category (tenant_id, consultation_id, category, tagged_at) VALUES
 ('yamagata', '00000000-0000-0000-0000-0000000000c1', '家族関係', '2023-03-05 10:00+09'),
 ('yamagata', '00000000-0000-0000-0000-0000000000c1', '孤独・孤立', '2023-03-05 10:00+09'),
 ('yamagata', '00000000-0000-0000-0000-0000000000c2', '孤独・孤立', '2023-02-20 19:00+09'),
 ('yamagata', '00000000-0000-0000-0000-0000000000c5', '仕事・就労関係', '2023-02-20 19:00+09'),
 ('tendo', '00000000-0000-0000-0000-0000000000d1', '家族関係', '2023-02-20 19:00+09');

-- C5's inbound messages came through the webhook: their raw inbox rows hold the text too.
INSERT INTO inbox_event (tenant_id, event_id, webhook_event_id, channel_key, event_type, mode, occurred_at,
                         payload, key_id, processed_at)
VALUES ('yamagata', '00000000-0000-0000-0000-0000000000e1', 'w1', 'line', 'message', 'active',
        '2023-02-17 22:00+09', '\x01'::bytea, 1, '2023-02-17 22:00+09'),
       ('yamagata', '00000000-0000-0000-0000-0000000000e2', 'w2', 'line', 'message', 'active',
        '2023-02-20 18:40+09', '\x01'::bytea, 1, '2023-02-20 18:40+09');

INSERT INTO consultation_note (tenant_id, consultation_id, author_id, body, body_key_id) VALUES
 ('yamagata', '00000000-0000-0000-0000-0000000000c5', gen_random_uuid(), '\x01'::bytea, 1),
 ('yamagata', '00000000-0000-0000-0000-0000000000c5', gen_random_uuid(), '\x01'::bytea, 1);

INSERT INTO link_click (tenant_id, code, day, clicks) VALUES
 ('yamagata', 'web-ads', '2023-02-16', 5), ('yamagata', 'flyer', '2023-02-28', 2),
 ('yamagata', 'web-ads', '2023-03-01', 7), ('tendo', 'web-ads', '2023-02-16', 9);
)sql";

// Messages of one consultation: `in` inbound ones at `first`, a minute apart (the first `sourced` of them
// from the inbox rows e1, e2, …), and `out` outbound ones, each with its settled outbox row.
inline std::string messages_sql(const std::string& tenant, const std::string& consultation,
                                const std::string& resident, int in, int out, const std::string& first,
                                bool sourced = false) {
  const std::string c = "'" + consultation + "'::uuid";
  const std::string r = "'" + resident + "'::uuid";
  std::string q =
      "INSERT INTO message (tenant_id, consultation_id, resident_id, direction, kind, sent_at, "
      "source_event_id) SELECT '" +
      tenant + "', " + c + ", " + r + ", 'in', 'text', '" + first +
      "'::timestamptz + i * interval '1 minute', " +
      (sourced ? "('00000000-0000-0000-0000-0000000000e' || (i + 1))::uuid" : "NULL") +
      " FROM generate_series(0, " + std::to_string(in - 1) + ") i;\n";
  for (int i = 0; i < out; ++i) {
    q += "WITH o AS (INSERT INTO outbox (tenant_id, channel_key, resident_id, consultation_id, origin, kind, "
         "messages, messages_key_id, state) VALUES ('" +
         tenant + "', 'line', " + r + ", " + c +
         ", 'counsellor', 'reply', '\\x01'::bytea, 1, 'sent') RETURNING outbox_id) "
         "INSERT INTO message (tenant_id, consultation_id, resident_id, direction, kind, sent_at, outbox_id) "
         "SELECT '" +
         tenant + "', " + c + ", " + r + ", 'out', 'text', '" + first + "'::timestamptz, outbox_id FROM o;\n";
  }
  return q;
}

// Referrals: RF0 (C0, January), RF1 (C2), RF2 (C4), RF3 (C3, emergency), RF4 (C1).
inline const char* const report_referrals_sql = R"sql(
INSERT INTO referral (tenant_id, referral_id, number, consultation_id, stage, emergency, legal_basis,
                      emergency_reason, emergency_reason_key_id, hub_skipped, answers_through_hub, summary,
                      summary_key_id, reason, reason_key_id, created_by, cause)
VALUES
 ('yamagata', '00000000-0000-0000-0000-0000000000f0', '2023-0001', '00000000-0000-0000-0000-0000000000c0',
  'closed', false, NULL, NULL, NULL, false, true, '\x01', 1, '\x01', 1, gen_random_uuid(), 'none'),
 ('yamagata', '00000000-0000-0000-0000-0000000000f1', '2023-0002', '00000000-0000-0000-0000-0000000000c2',
  'answered', false, NULL, NULL, NULL, false, true, '\x01', 1, '\x01', 1, gen_random_uuid(), 'none'),
 ('yamagata', '00000000-0000-0000-0000-0000000000f2', '2023-0003', '00000000-0000-0000-0000-0000000000c4',
  'cancelled', false, NULL, NULL, NULL, false, true, '\x01', 1, '\x01', 1, gen_random_uuid(), 'consent_declined'),
 ('yamagata', '00000000-0000-0000-0000-0000000000f3', '2023-0004', '00000000-0000-0000-0000-0000000000c3',
  'forwarded', true, 'appi_27_1_2', '\x01', 1, false, true, '\x01', 1, '\x01', 1, gen_random_uuid(), 'none'),
 ('yamagata', '00000000-0000-0000-0000-0000000000f4', '2023-0005', '00000000-0000-0000-0000-0000000000c1',
  'cancelled', false, NULL, NULL, NULL, false, true, '\x01', 1, '\x01', 1, gen_random_uuid(), 'consent_withdrawn');

INSERT INTO referral_unit (tenant_id, referral_id, role, unit_id, unit_kind, position, answer, answer_key_id,
                           answered_at)
VALUES
 ('yamagata', '00000000-0000-0000-0000-0000000000f0', 'suggested', 'kenko', 'department', 0, NULL, NULL, NULL),
 ('yamagata', '00000000-0000-0000-0000-0000000000f1', 'suggested', 'kenko', 'department', 0, NULL, NULL, NULL),
 ('yamagata', '00000000-0000-0000-0000-0000000000f1', 'recipient', 'kenko', 'department', 0, '\x01', 1,
  '2023-02-22 12:00+09'),
 ('yamagata', '00000000-0000-0000-0000-0000000000f2', 'suggested', 'kenko', 'department', 0, NULL, NULL, NULL),
 ('yamagata', '00000000-0000-0000-0000-0000000000f3', 'recipient', 'koyo', 'department', 0, NULL, NULL, NULL),
 ('yamagata', '00000000-0000-0000-0000-0000000000f4', 'suggested', 'kenko', 'department', 0, NULL, NULL, NULL);

INSERT INTO referral_consent (tenant_id, referral_id, state, token_hash, requested_at, expires_at, requested_by,
                              answered_at)
VALUES
 ('yamagata', '00000000-0000-0000-0000-0000000000f0', 'granted', '\x10', '2023-01-20Z', '2023-01-23Z',
  gen_random_uuid(), '2023-01-21Z'),
 ('yamagata', '00000000-0000-0000-0000-0000000000f1', 'granted', '\x11', '2023-02-20Z', '2023-02-23Z',
  gen_random_uuid(), '2023-02-21Z'),
 ('yamagata', '00000000-0000-0000-0000-0000000000f2', 'declined', '\x12', '2023-02-18Z', '2023-02-21Z',
  gen_random_uuid(), '2023-02-19Z'),
 ('yamagata', '00000000-0000-0000-0000-0000000000f4', 'expired', '\x13', '2023-03-01Z', '2023-03-04Z',
  gen_random_uuid(), NULL),
 ('yamagata', '00000000-0000-0000-0000-0000000000f4', 'withdrawn', '\x14', '2023-03-05Z', '2023-03-08Z',
  gen_random_uuid(), '2023-03-06Z');
)sql";

inline void load_report_history(const std::string& url) {
  exec_sql(url, report_history_sql);
  const std::string y = "yamagata";
  const std::string id = "00000000-0000-0000-0000-0000000000";
  exec_sql(url, messages_sql(y, id + "c0", id + "a1", 2, 1, "2023-01-20 19:00+09"));
  // C1's third message arrives after midnight, in March: it still counts with the consultation.
  exec_sql(url, messages_sql(y, id + "c1", id + "a1", 2, 2, "2023-02-28 23:50+09"));
  exec_sql(url, messages_sql(y, id + "c1", id + "a1", 1, 0, "2023-03-01 00:30+09"));
  exec_sql(url, messages_sql(y, id + "c2", id + "a2", 2, 1, "2023-02-20 18:00+09"));
  exec_sql(url, messages_sql(y, id + "c3", id + "a2", 1, 1, "2023-02-24 20:00+09"));
  exec_sql(url, messages_sql(y, id + "c4", id + "a3", 1, 1, "2023-02-18 10:00+09"));
  exec_sql(url, messages_sql(y, id + "c5", id + "a4", 2, 1, "2023-02-17 22:00+09", true));
  exec_sql(url, messages_sql(y, id + "c6", id + "a4", 1, 0, "2023-03-01 00:00+09"));
  exec_sql(url, messages_sql("tendo", id + "d1", id + "b1", 4, 4, "2023-02-20 19:00+09"));
  exec_sql(url, report_referrals_sql);
}

inline op_result<report> summary_sync(report_store& reports, const std::string& tenant,
                                      routing::civil_date from, routing::civil_date to) {
  return await_callback<op_result<report>>(
      [&](std::function<void(op_result<report>)> done) {
        reports.summary(actor{tenant, "", routing::staff_role::admin, "", ""}, report_query{from, to},
                        std::move(done));
      },
      "report summary");
}

inline op_result<nothing> click_sync(report_store& reports, const std::string& tenant,
                                     const std::string& code) {
  return await_callback<op_result<nothing>>(
      [&](std::function<void(op_result<nothing>)> done) {
        reports.record_click(tenant, code, std::move(done));
      },
      "record_click");
}

}  // namespace yorisoi::storage::pgtest
