// `yorisoi inbox parked` and `yorisoi inbox retry ID` against the running binary: an event the
// database keeps rejecting is parked by the server, listed by id, tenant, SQLSTATE and attempts (never
// its content), and applied once put back.
#include "e2e_fixture.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace yorisoi::e2e {
namespace {

class e2e_inbox : public e2e_suite {
 protected:
  [[nodiscard]] std::string query_one(const std::string& sql) const {
    pqxx::connection connection(environment().database_url());
    pqxx::nontransaction tx(connection);
    const pqxx::result r = tx.exec(sql);
    return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
  }

  [[nodiscard]] bool eventually(const std::string& sql, const std::string& expected) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (query_one(sql) == expected) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  [[nodiscard]] std::string cli_log() const {
    std::ifstream in(environment().work_dir() / "cli.log");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }
};

TEST_F(e2e_inbox, a_parked_event_is_listed_and_applied_once_put_back) {
  const std::string url = environment().database_url();
  // The database refuses the message of one event (a stand-in for any event it keeps rejecting).
  execute_sql(url, R"sql(
    CREATE FUNCTION e2e_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM inbox_event WHERE event_id = NEW.source_event_id
                                             AND webhook_event_id = 'e2e-poison-1') THEN
        RAISE EXCEPTION 'refused' USING ERRCODE = '22023';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER e2e_refuse BEFORE INSERT ON message FOR EACH ROW EXECUTE FUNCTION e2e_refuse();
  )sql");
  const std::string body = webhook_body({message_event("e2e-poison-1")});
  const auto reply = http_once(port(), "POST", webhook_path(), body, signed_headers(body));
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->status, 200);
  ASSERT_TRUE(eventually("SELECT attempts FROM inbox_event WHERE webhook_event_id = 'e2e-poison-1' "
                         "AND parked_at IS NOT NULL",
                         "5"));
  const std::string id =
      query_one("SELECT event_id::text FROM inbox_event WHERE webhook_event_id = 'e2e-poison-1'");

  ASSERT_EQ(environment().run_cli({"inbox", "parked"}), 0) << cli_log();
  const std::string listed = cli_log();
  EXPECT_NE(listed.find(id), std::string::npos) << listed;
  EXPECT_NE(listed.find("yamagata"), std::string::npos) << listed;
  EXPECT_NE(listed.find("22023"), std::string::npos) << listed;
  EXPECT_NE(listed.find("1 parked"), std::string::npos) << listed;
  EXPECT_EQ(listed.find("e2e test message"), std::string::npos) << "never the content";

  // Counted by the worker right after its commit.
  bool counted = false;
  for (int i = 0; i < 100 && !counted; ++i) {
    const auto metrics = http_once(port(), "GET", "/metrics");
    counted = metrics && metrics->body.find("yorisoi_inbox_parked_total 1") != std::string::npos;
    if (!counted) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_TRUE(counted);

  execute_sql(url, "DROP TRIGGER e2e_refuse ON message");
  EXPECT_EQ(environment().run_cli({"inbox", "retry", id}), 0) << cli_log();
  EXPECT_TRUE(eventually("SELECT count(*) FROM inbox_event WHERE webhook_event_id = 'e2e-poison-1' "
                         "AND processed_at IS NOT NULL AND process_error IS NULL",
                         "1"));
  EXPECT_EQ(environment().run_cli({"inbox", "retry", id}), 1) << "no longer parked";
  EXPECT_EQ(environment().run_cli({"inbox", "retry", "not-an-id"}), 2);
  EXPECT_EQ(environment().run_cli({"inbox", "sideways"}), 2);
}

}  // namespace
}  // namespace yorisoi::e2e
