#include "storage_pg_support.hpp"

namespace yorisoi::storage::pgtest {
namespace {

class inbox_pg : public storage_pg {
 protected:
  void SetUp() override {
    storage_pg::SetUp();
    if (IsSkipped()) {
      return;
    }
    svc_.emplace(opts(true), make_keys({1}));
    svc_->migrate();
    svc_->start();
  }

  void ingest(std::vector<routing::line_event> events) {
    ASSERT_EQ(ingest_sync(*svc_, request_of(std::move(events))).outcome, ingest_outcome::stored);
    wait_processed();
  }

  std::string bytes(const std::string& query) { return pqxx::binarystring(sql(url(), query)[0][0]).str(); }

  keyring keys_ = make_keys({1});
  std::optional<service> svc_;
};

TEST_F(inbox_pg, message_creates_resident_consultation_and_message) {
  ingest({make_text("W1", "U1", "m1", "眠れない日が続いています")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event WHERE process_error IS NULL"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident WHERE followed"), 1);
  EXPECT_EQ(bytes("SELECT pseudonym FROM resident"), keys_.pseudonym("yamagata-line", "U1"));
  EXPECT_EQ(keys_.open(sealed{1, bytes("SELECT line_user_id FROM resident")}, "yamagata/resident"), "U1");
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM consultation WHERE state = 'waiting' AND priority = 'normal' "
                  "AND last_message_at = to_timestamp(1700000000)"),
            1);
  const auto msg = sql(url(), "SELECT direction, kind, line_message_id, body_key_id FROM message")[0];
  EXPECT_EQ(msg[0].as<std::string>(), "in");
  EXPECT_EQ(msg[1].as<std::string>(), "text");
  EXPECT_EQ(msg[2].as<std::string>(), "m1");
  EXPECT_EQ(
      keys_.open(sealed{msg[3].as<std::uint32_t>(), bytes("SELECT body FROM message")}, "yamagata/message"),
      "眠れない日が続いています");
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM message m JOIN consultation c USING (tenant_id, consultation_id) "
                  "JOIN inbox_event e ON e.event_id = m.source_event_id WHERE c.resident_id = m.resident_id"),
            1);
}

TEST_F(inbox_pg, second_message_continues_and_reopens_an_assigned_consultation) {
  ingest({make_text("W1", "U1", "m1", "one")});
  sql(url(), "UPDATE consultation SET state = 'assigned', assigned_to = gen_random_uuid()");
  ingest({make_text("W2", "U1", "m2", "two")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE state = 'waiting'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(DISTINCT consultation_id) FROM message"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message"), 2);
}

TEST_F(inbox_pg, a_message_after_closing_opens_a_new_consultation) {
  ingest({make_text("W1", "U1", "m1", "one")});
  sql(url(), "UPDATE consultation SET state = 'closed', closed_at = now()");
  ingest({make_text("W2", "U1", "m2", "two")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation"), 2);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE state = 'waiting'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(DISTINCT consultation_id) FROM message"), 2);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident"), 1);
}

TEST_F(inbox_pg, other_residents_get_their_own_consultations) {
  ingest({make_text("W1", "U1", "m1", "one"), make_text("W2", "U2", "m2", "two"),
          make_event("W3", "message", "U3", R"(,"message":{"type":"sticker","id":"m3"})")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident"), 3);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation"), 3);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message WHERE kind = 'sticker' AND body IS NULL"), 1);
}

TEST_F(inbox_pg, follow_and_unfollow_update_the_resident) {
  ingest({make_event("W1", "follow", "U1")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident WHERE followed AND unfollowed_at IS NULL"), 1);
  ingest({make_event("W2", "unfollow", "U1")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident WHERE NOT followed AND unfollowed_at IS NOT NULL"),
            1);
  ingest({make_event("W3", "follow", "U1")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident WHERE followed AND unfollowed_at IS NULL"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation"), 0);
}

TEST_F(inbox_pg, unsend_withdraws_the_body) {
  ingest({make_text("W1", "U1", "m1", "I take this back")});
  ingest({make_event("W2", "unsend", "U1", R"(,"unsend":{"messageId":"m1"})")});
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM message WHERE withdrawn_at IS NOT NULL AND body IS NULL "
                  "AND body_key_id IS NULL"),
            1);
}

TEST_F(inbox_pg, other_event_types_are_only_marked_processed) {
  ingest({make_event("W1", "postback", "U1", R"(,"postback":{"data":"consent=yes"})"),
          make_event("W2", "someFutureEvent", "U1")});
  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM inbox_event WHERE processed_at IS NOT NULL AND process_error IS NULL"),
      2);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident"), 0);
}

TEST_F(inbox_pg, unusable_payloads_are_marked_and_do_not_block_the_queue) {
  // Sealed but not JSON.
  auto not_json = make_event("W1", "message", "U1");
  not_json.raw_json = "this is not json";
  // Not sealed at all (written around the service, e.g. by a bad restore).
  sql(url(),
      "INSERT INTO inbox_event (tenant_id, webhook_event_id, channel_key, event_type, mode, occurred_at, "
      "payload, key_id) VALUES ('yamagata', 'W0', 'yamagata-line', 'message', 'active', now(), "
      "'\\x0102'::bytea, 1)");
  ingest({not_json, make_text("W2", "U1", "m2", "still applied")});
  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM inbox_event WHERE processed_at IS NOT NULL AND process_error IS NOT NULL"),
      2);
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM inbox_event WHERE webhook_event_id = 'W0' "
                  "AND process_error = 'payload could not be opened'"),
            1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message"), 1);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
