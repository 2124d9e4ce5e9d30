// The cost of applying one inbox event must not grow with the history: with a million consultations
// (and their residents, messages, outbox rows, console events, inbox rows and referrals) in the
// database, every statement the inbox processor runs for an event — its own, and those of the triggers
// and foreign-key checks they fire — reads the growing tables through an index, never by a sequential
// scan. The plans are the ones the server really used: auto_explain is loaded for the scratch
// database's connections, and its entries for the processor's backend are read back from the server's
// log. The events are applied twice: with the plans PostgreSQL picks for the first executions of a
// prepared statement (custom), and with the generic plans it settles on after a few (forced).
//
// YORISOI_PLANS_CONSULTATIONS changes the size of the history (default 1,000,000); the test prints the
// time the processor took per event, for comparisons of histories.

#include "storage_routing_support.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

namespace yorisoi::storage::pgtest {
namespace {

// The tables that grow with the service's history. A table of a few pages is read faster whole than
// through an index, so only those holding at least `checked_rows` rows are checked (with the default
// history, every one of them; a smaller history, for comparisons of time, checks fewer).
constexpr long long checked_rows = 5'000;
const std::set<std::string> growing_tables = {
    "consultation", "message",  "resident",      "outbox",           "console_event",  "audit_event",
    "inbox_event",  "referral", "referral_unit", "referral_consent", "referral_event", "alert"};

long long history_size() {
  const char* value = std::getenv("YORISOI_PLANS_CONSULTATIONS");
  return value != nullptr && *value != '\0' ? std::atoll(value) : 1'000'000;
}

// A closed history for tenant "yamagata", written set-based with triggers off (the counters the
// triggers keep do not matter here): `n` consultations of n/4 residents, a message per resident, an
// outbox row, a console event and an applied inbox event per ten consultations, a referral (with its
// unit, consent and history event), an alert and an audit entry per hundred. Ids are made from the
// row number, in order, so that the indexes are written at their end (a random id per row takes twice
// as long). Each statement selects from generate_series(…) i, whose range the loader supplies.
struct history_rows {
  std::string insert;  // up to "FROM generate_series("
  long long rows = 0;
};

std::vector<history_rows> history_inserts(long long n) {
  const long long residents = std::max(n / 4, 1LL);
  const long long tenth = std::max(n / 10, 1LL);
  const long long hundredth = std::max(n / 100, 1LL);
  const std::string id = "('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid";
  const std::string resident_of = "('00000000-0000-4000-8000-' || lpad(to_hex(1 + i % " +
                                  std::to_string(residents) + "), 12, '0'))::uuid";
  const std::string at = "(timestamptz '2020-01-01' + i * interval '1 minute')";
  const std::string from = " FROM generate_series(";
  return {
      {"INSERT INTO resident (tenant_id, resident_id, pseudonym, channel_key, line_user_id, "
       "line_user_key_id, "
       "first_seen_at, last_seen_at) SELECT 'yamagata', " +
           id + ", int8send(i), 'yamagata-line', '\\x00', 1, " + at + ", " + at + from,
       residents},
      {"INSERT INTO consultation (tenant_id, consultation_id, resident_id, state, arrival, opened_at, "
       "last_message_at, closed_at, messages_in) SELECT 'yamagata', " +
           id + ", " + resident_of + ", 'closed', 'staffed', " + at + ", " + at + ", " + at +
           " + interval '1 day', 1" + from,
       n},
      {"INSERT INTO message (tenant_id, message_id, consultation_id, resident_id, direction, kind, "
       "line_message_id, sent_at) SELECT 'yamagata', " +
           id + ", " + id + ", " + resident_of + ", 'in', 'text', 'h' || i, " + at + from,
       residents},
      {"INSERT INTO outbox (tenant_id, outbox_id, channel_key, resident_id, consultation_id, origin, kind, "
       "messages, messages_key_id, state, next_attempt_at, created_at, sent_at) SELECT 'yamagata', " +
           id + ", 'yamagata-line', " + resident_of + ", " + id +
           ", 'auto', 'greeting', '\\x00', 1, 'sent', " + at + ", " + at + ", " + at + from,
       tenth},
      {"INSERT INTO console_event (tenant_id, kind, consultation_id, at) SELECT 'yamagata', 'queue', " + id +
           ", " + at + from,
       tenth},
      {"INSERT INTO inbox_event (tenant_id, event_id, webhook_event_id, channel_key, event_type, mode, "
       "occurred_at, received_at, payload, key_id, processed_at) SELECT 'yamagata', " +
           id + ", 'h' || i, 'yamagata-line', 'message', 'active', " + at + ", " + at + ", '\\x00', 1, " +
           at + from,
       tenth},
      {"INSERT INTO referral (tenant_id, referral_id, number, consultation_id, stage, hub_skipped, "
       "answers_through_hub, summary, summary_key_id, reason, reason_key_id, created_by, created_at, "
       "updated_at) SELECT 'yamagata', " +
           id + ", 'h-' || i, " + id + ", 'closed', false, true, '\\x01', 1, '\\x01', 1, " + id + ", " + at +
           ", " + at + from,
       hundredth},
      {"INSERT INTO referral_unit (tenant_id, referral_id, role, unit_id, unit_kind, position, added_at) "
       "SELECT 'yamagata', " +
           id + ", 'suggested', 'hub', 'hub', 0, " + at + from,
       hundredth},
      {"INSERT INTO referral_consent (tenant_id, consent_id, referral_id, state, token_hash, requested_at, "
       "expires_at, requested_by, answered_at, answer_via) SELECT 'yamagata', " +
           id + ", " + id + ", 'granted', int8send(i), " + at + ", " + at + " + interval '3 days', " + id +
           ", " + at + ", 'counsellor'" + from,
       hundredth},
      {"INSERT INTO referral_event (tenant_id, referral_id, at, actor_kind, event, to_stage) SELECT "
       "'yamagata', " +
           id + ", " + at + ", 'system', 'close', 'closed'" + from,
       hundredth},
      {"INSERT INTO audit_event (tenant_id, at, action, object_type, object_id) SELECT 'yamagata', " + at +
           ", 'consultation.read', 'consultation', " + id + from,
       hundredth},
      {"INSERT INTO alert (tenant_id, consultation_id, resident_id, kind, stretch_until, occurred_at, "
       "source_event_id, state, sent_at) SELECT 'yamagata', " +
           id + ", " + resident_of + ", 'urgent', " + at + ", " + at + ", " + id + ", 'sent', " + at + from,
       hundredth},
  };
}

// Loads the history in transactions of at most 100,000 rows: the inbox processors of the other tests
// on the cluster wait for every transaction older than their events' (pg_snapshot_xmin is the
// cluster's), so a long one would hold them all up.
void load_history(const std::string& url, long long n) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  tx.exec("SET session_replication_role = replica");
  tx.exec("SET synchronous_commit = off");
  constexpr long long chunk = 100'000;
  for (const history_rows& h : history_inserts(n)) {
    for (long long first = 1; first <= h.rows; first += chunk) {
      tx.exec(h.insert + std::to_string(first) + ", " + std::to_string(std::min(first + chunk - 1, h.rows)) +
              ") i");
    }
  }
  tx.exec("SET session_replication_role = origin");
  tx.exec("ANALYZE");
}

// Wherever the server writes its log: the logging collector's file, or (the test clusters, started
// with pg_ctl -l) server.log beside the data directory.
std::string server_log_path(const std::string& url) {
  return sql(url,
             "SELECT CASE WHEN pg_current_logfile() IS NULL "
             "THEN current_setting('data_directory') || '/../server.log' "
             "WHEN pg_current_logfile() LIKE '/%' THEN pg_current_logfile() "
             "ELSE current_setting('data_directory') || '/' || pg_current_logfile() END")[0][0]
      .as<std::string>();
}

long long file_size(const std::string& url, const std::string& path) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  return tx.exec_params1("SELECT (pg_stat_file($1)).size", path)[0].as<long long>();
}

std::string read_from(const std::string& url, const std::string& path, long long offset) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  const long long size = tx.exec_params1("SELECT (pg_stat_file($1)).size", path)[0].as<long long>();
  return pqxx::binarystring(
             tx.exec_params1("SELECT pg_read_binary_file($1, $2, $3)", path, offset, size - offset)[0])
      .str();
}

struct logged_plan {
  std::string query;
  boost::json::value plan;
};

// auto_explain's JSON entries of the backend `pid`: "… [pid] LOG:  duration: … ms  plan:" followed by
// the JSON, one tab-indented line each.
std::vector<logged_plan> plans_of(const std::string& log, int pid) {
  const std::regex header(R"(\[([0-9]+)\] LOG:  duration: [0-9.]+ ms  plan:$)");
  std::vector<logged_plan> out;
  std::istringstream lines(log);
  std::string line;
  std::string json;
  bool collecting = false;
  auto flush = [&] {
    if (collecting && !json.empty()) {
      boost::json::value v = boost::json::parse(json);
      out.push_back({std::string(v.at("Query Text").as_string()), v.at("Plan")});
    }
    collecting = false;
    json.clear();
  };
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] == '\t') {
      if (collecting) {
        json += line.substr(1) + "\n";
      }
      continue;
    }
    flush();
    std::smatch m;
    if (std::regex_search(line, m, header) && std::stoi(m[1].str()) == pid) {
      collecting = true;
    }
  }
  flush();
  return out;
}

// The growing tables that hold at least checked_rows rows (as ANALYZE counted them).
std::set<std::string> large_tables(const std::string& url) {
  std::set<std::string> out;
  for (const auto& r : sql(url,
                           "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = "
                           "'public'::regnamespace AND reltuples >= " +
                               std::to_string(checked_rows))) {
    if (growing_tables.contains(r[0].as<std::string>())) {
      out.insert(r[0].as<std::string>());
    }
  }
  return out;
}

// Every "Seq Scan" node on one of `tables`, as "Seq Scan on <table>".
void find_seq_scans(const boost::json::value& node, const std::set<std::string>& tables,
                    std::vector<std::string>& found) {
  const auto& o = node.as_object();
  if (const auto* type = o.if_contains("Node Type"); type != nullptr && type->as_string() == "Seq Scan") {
    const std::string table(o.at("Relation Name").as_string());
    if (tables.contains(table)) {
      found.push_back("Seq Scan on " + table);
    }
  }
  if (const auto* children = o.if_contains("Plans")) {
    for (const auto& child : children->as_array()) {
      find_seq_scans(child, tables, found);
    }
  }
}

constexpr const char* consent_token = "plansConsentToken0123456789";

class apply_plans_pg : public storage_pg {
 protected:
  options routing_opts() const {
    options o = opts(true);
    o.pool_size = 1;
    o.inbox_workers = 1;  // one backend to read the plans of
    o.tenant_rules.emplace("yamagata", pilot_rules());
    o.alert_policies.emplace("yamagata", routing::alert_policy{routing::alert_on::any});
    return o;
  }

  void ingest(service& svc, std::vector<routing::line_event> events) {
    ASSERT_EQ(ingest_sync(svc, request_of(std::move(events))).outcome, ingest_outcome::stored);
    wait_processed();
  }

  // Residents the scenario of `run` needs before the history is loaded: one whose consultations are
  // all closed, one with an open consultation, and one whose open consultation has a referral waiting
  // for the resident's consent.
  void prepare_residents(service& svc, const std::string& run) {
    const std::int64_t at = jst_ms(2023, 2, 20, 18, 30);
    ingest(svc, {text_at(run + "-r1", at, "こんにちは", "U-returning-" + run),
                 text_at(run + "-o1", at, "こんにちは", "U-open-" + run),
                 text_at(run + "-c1", at, "こんにちは", "U-consent-" + run)});
    const std::string returning =
        "(SELECT resident_id FROM resident r JOIN message m USING (tenant_id, "
        "resident_id) WHERE m.line_message_id = 'm-" +
        run + "-r1')";
    sql(url(),
        "UPDATE consultation SET state = 'closed', closed_at = now() WHERE resident_id = " + returning);
    const std::string consent_consultation =
        "(SELECT consultation_id FROM message WHERE line_message_id = 'm-" + run + "-c1')";
    sql(url(),
        "INSERT INTO referral (tenant_id, referral_id, number, consultation_id, stage, hub_skipped, "
        "answers_through_hub, summary, summary_key_id, reason, reason_key_id, created_by) "
        "VALUES ('yamagata', gen_random_uuid(), 'p-" +
            run + "', " + consent_consultation +
            ", 'awaiting_consent', false, true, '\\x01', 1, '\\x01', 1, gen_random_uuid())");
    sql(url(),
        "INSERT INTO referral_unit (tenant_id, referral_id, role, unit_id, unit_kind, position) "
        "SELECT tenant_id, referral_id, 'suggested', 'hub', 'hub', 0 FROM referral WHERE number = 'p-" +
            run + "'");
    sql(url(),
        "INSERT INTO referral_consent (tenant_id, referral_id, state, token_hash, requested_at, "
        "expires_at, requested_by) SELECT tenant_id, referral_id, 'requested', sha256('" +
            std::string(consent_token) + run +
            "'::bytea), now() - interval '1 hour', now() + interval '3 days', "
            "gen_random_uuid() FROM referral WHERE number = 'p-" +
            run + "'");
  }

  // Off-hours: a new resident's first message (a crisis word: urgent, an alert), a returning resident
  // whose consultations are all closed, an open consultation's message, a follow, an age-band tap; a
  // consent tap (now: the consent request is a real one, and the expiry sweep uses the clock), an
  // unsend and an unfollow.
  static std::vector<routing::line_event> scenario(const std::string& run) {
    const std::int64_t at = jst_ms(2023, 2, 20, 21, 30);
    std::vector<routing::line_event> events;
    events.push_back(text_at(run + "-n", at, "死にたい", "U-new-" + run));
    events.push_back(text_at(run + "-r2", at + 1000, "また相談したいです", "U-returning-" + run));
    events.push_back(text_at(run + "-o2", at + 2000, "続きです", "U-open-" + run));
    event_spec follow;
    follow.webhook_event_id = run + "-f";
    follow.type = "follow";
    follow.user_id = "U-follow-" + run;
    follow.timestamp_ms = at + 3000;
    follow.reply_token = "rt-" + run + "-f";
    events.push_back(event_of(follow));
    event_spec band;
    band.webhook_event_id = run + "-b";
    band.type = "postback";
    band.user_id = "U-open-" + run;
    band.timestamp_ms = at + 4000;
    band.postback_data = "yorisoi:age_band=20代";
    events.push_back(event_of(band));
    event_spec consent;
    consent.webhook_event_id = run + "-p";
    consent.type = "postback";
    consent.user_id = "U-consent-" + run;
    consent.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    consent.reply_token = "rt-" + run + "-p";
    consent.postback_data = "yc1:grant:" + std::string(consent_token) + run;
    events.push_back(event_of(consent));
    routing::line_event unsend =
        make_event(run + "-u", "unsend", "U-open-" + run, R"(,"unsend":{"messageId":"m-)" + run + R"(-o2"})");
    unsend.timestamp_ms = at + 6000;
    unsend.message_id = "m-" + run + "-o2";
    events.push_back(unsend);
    event_spec unfollow;
    unfollow.webhook_event_id = run + "-x";
    unfollow.type = "unfollow";
    unfollow.user_id = "U-returning-" + run;
    unfollow.timestamp_ms = at + 7000;
    events.push_back(event_of(unfollow));
    return events;
  }

  int processor_pid() {
    int pid = 0;
    EXPECT_TRUE(eventually([&] {
      const auto r = sql(url(),
                         "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                         "AND application_name = 'yorisoi-inbox'");
      if (r.size() == 1) {
        pid = r[0][0].as<int>();
      }
      return r.size() == 1;
    }));
    return pid;
  }
};

TEST_F(apply_plans_pg, applying_events_reads_growing_tables_through_indexes_only) {
  const keyring keys = make_keys({1});
  {
    service svc(routing_opts(), keys);
    svc.migrate();
    svc.start();
    prepare_residents(svc, "custom");
    prepare_residents(svc, "generic");
  }
  const long long n = history_size();
  const auto load_started = std::chrono::steady_clock::now();
  load_history(url(), n);
  const auto load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_started).count();
  std::cout << "history of " << n << " consultations loaded in " << load_seconds << " s\n";

  const std::set<std::string> checked = large_tables(url());
  if (n >= 1'000'000) {
    EXPECT_EQ(checked, growing_tables);
  }
  const std::string db = sql(url(), "SELECT current_database()")[0][0].as<std::string>();
  const std::string log_path = server_log_path(url());
  sql(url(), "ALTER DATABASE \"" + db + "\" SET session_preload_libraries = 'auto_explain'");
  sql(url(), "ALTER DATABASE \"" + db + "\" SET auto_explain.log_min_duration = 0");
  sql(url(), "ALTER DATABASE \"" + db + "\" SET auto_explain.log_nested_statements = on");
  sql(url(), "ALTER DATABASE \"" + db + "\" SET auto_explain.log_format = 'json'");

  for (const std::string run : {"custom", "generic"}) {
    SCOPED_TRACE("plans: " + run);
    sql(url(), "ALTER DATABASE \"" + db +
                   "\" SET plan_cache_mode = " + (run == "custom" ? "auto" : "force_generic_plan"));
    const long long offset = file_size(url(), log_path);
    service svc(routing_opts(), keys);
    svc.start();
    ingest(svc, scenario(run));
    const int pid = processor_pid();
    ASSERT_NE(pid, 0);
    svc.stop();

    // The scenario did what it is meant to: each kind of event reached the statements it runs.
    EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event WHERE process_error IS NOT NULL"), 0);
    EXPECT_EQ(count(url(),
                    "SELECT count(*) FROM alert WHERE source_event_id = (SELECT event_id FROM "
                    "inbox_event WHERE webhook_event_id = '" +
                        run + "-n')"),
              1);
    EXPECT_EQ(count(url(),
                    "SELECT count(*) FROM referral_consent c JOIN referral r USING (tenant_id, "
                    "referral_id) WHERE r.number = 'p-" +
                        run + "' AND c.state = 'granted'"),
              1);
    EXPECT_EQ(count(url(), "SELECT count(*) FROM message WHERE line_message_id = 'm-" + run +
                               "-o2' AND withdrawn_at IS NOT NULL"),
              1);

    const std::vector<logged_plan> plans = plans_of(read_from(url(), log_path, offset), pid);
    std::set<std::string> seen;
    for (const logged_plan& p : plans) {
      seen.insert(p.query);
      std::vector<std::string> scans;
      find_seq_scans(p.plan, checked, scans);
      for (const std::string& scan : scans) {
        ADD_FAILURE() << scan << " in:\n" << p.query;
      }
    }
    // The plans read are the processor's and include the nested ones: its takes (ordinary and crisis
    // lane), the facts of a message, the triggers' statements and the foreign-key checks.
    const auto ran = [&](const std::string& fragment) {
      return std::any_of(seen.begin(), seen.end(),
                         [&](const std::string& q) { return q.find(fragment) != std::string::npos; });
    };
    EXPECT_TRUE(ran("ORDER BY xid, seq\n LIMIT $1\n   FOR UPDATE")) << plans.size() << " plans logged";
    EXPECT_TRUE(ran("lane = 'crisis'"));
    EXPECT_TRUE(ran("UPDATE inbox_event AS e"));
    EXPECT_TRUE(ran("EXISTS (SELECT 1 FROM consultation h"));
    EXPECT_TRUE(ran("UPDATE consultation SET messages_in = messages_in + 1"));
    EXPECT_TRUE(ran("INSERT INTO console_event"));
    EXPECT_TRUE(ran("FOR KEY SHARE OF x"));
    EXPECT_TRUE(ran("UPDATE message SET withdrawn_at"));
    EXPECT_TRUE(ran("UPDATE outbox SET state = 'cancelled'"));
    EXPECT_TRUE(ran("INSERT INTO alert"));
    EXPECT_TRUE(ran("UPDATE referral_consent"));
  }
  sql(url(), "ALTER DATABASE \"" + db + "\" RESET ALL");

  // What one event costs at this size of history: new residents' first messages, the event whose
  // facts read the resident's history, applied by a processor without auto_explain.
  constexpr int timed_events = 100;
  std::vector<routing::line_event> events;
  for (int i = 0; i < timed_events; ++i) {
    events.push_back(text_at("t" + std::to_string(i), jst_ms(2023, 2, 21, 19, 0) + i, "こんにちは",
                             "U-timed-" + std::to_string(i)));
  }
  service svc(routing_opts(), keys);
  svc.start();
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(ingest_sync(svc, request_of(std::move(events))).outcome, ingest_outcome::stored);
  // Polled with a looser bound than wait_processed's: a history read by sequential scans takes longer.
  const auto deadline = started + std::chrono::minutes(5);
  while (count(url(), "SELECT count(*) FROM inbox_event WHERE processed_at IS NULL") > 0) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the events were not applied";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::cout << "applied " << timed_events << " first messages in " << ms << " ms (" << ms / timed_events
            << " ms per event) with " << n << " consultations of history\n";
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
