// The consultation search against PostgreSQL: a generated history of consultations (sealed messages
// and notes written the way the service writes them), the background indexer's rounds over it, and
// searches by words in every width and kana with the criteria. Prints the indexer's rate and a search's
// time over 10,000 consultations (figures, not assertions).
#include "console/console_common.hpp"
#include "db/pg_array.hpp"
#include "search/search_indexer.hpp"
#include "search/search_query.hpp"
#include "storage_pg_support.hpp"

#include "yorisoi/routing/search_text.hpp"

#include <chrono>
#include <cstdio>

namespace yorisoi::storage::pgtest {
namespace {

constexpr const char* tenant = "yamagata";

// Everyday texts; one in a hundred consultations mentions bullying in half-width katakana.
const char* const everyday[] = {
    "最近よく眠れなくて、夜になると不安になります",
    "仕事のことで相談したいです。上司との関係がつらい",
    "一人暮らしで話す人がいません",
    "家族とうまくいかなくて家に居づらいです",
};

class search_pg : public storage_pg {
 protected:
  // `n` consultations of as many residents, each with two inbound messages and, every tenth, a note.
  // Consultation i is opened i minutes after a fixed start, so newer ones have higher i.
  void seed(pqxx::connection& conn, const keyring& keys, int n) {
    detail::prepare_console_statements(conn);  // the search's audit row
    pqxx::work tx(conn);
    tx.exec0("INSERT INTO staff_user (tenant_id, login, display_name, role, password_hash) "
             "VALUES ('yamagata', 'search-c', '相談員', 'counsellor', 'x')");
    const std::string staff = tx.exec1("SELECT user_id::text FROM staff_user WHERE login = 'search-c'")[0].as<std::string>();
    // Residents and consultations in two statements; their ids follow from i.
    tx.exec_params0("INSERT INTO resident (tenant_id, resident_id, pseudonym, channel_key, line_user_id, line_user_key_id, "
                    "first_seen_at, last_seen_at) SELECT 'yamagata', md5('r' || i)::uuid, convert_to('p' || i, 'UTF8'), "
                    "'yamagata-line', '\\x00', 1, now(), now() FROM generate_series(0, $1::int - 1) AS i",
                    n);
    tx.exec_params0("INSERT INTO consultation (tenant_id, consultation_id, resident_id, opened_at, last_message_at, state) "
                    "SELECT 'yamagata', md5('c' || i)::uuid, md5('r' || i)::uuid, "
                    "timestamptz '2026-04-01 00:00+09' + i * interval '1 minute', "
                    "timestamptz '2026-04-01 00:00+09' + i * interval '1 minute', "
                    "CASE WHEN i % 2 = 0 THEN 'closed' ELSE 'waiting' END FROM generate_series(0, $1::int - 1) AS i",
                    n);
    std::vector<std::string> residents;
    for (const auto& r : tx.exec_params("SELECT md5('c' || i)::uuid::text, md5('r' || i)::uuid::text "
                                        "FROM generate_series(0, $1::int - 1) AS i ORDER BY i",
                                        n)) {
      ids_.push_back(r[0].as<std::string>());
      residents.push_back(r[1].as<std::string>());
    }
    detail::binary_array m_consultation(detail::pg_oid::text);
    detail::binary_array m_resident(detail::pg_oid::text);
    detail::binary_array m_body(detail::pg_oid::bytea);
    detail::binary_array m_key(detail::pg_oid::int4);
    detail::binary_array n_consultation(detail::pg_oid::text);
    detail::binary_array n_body(detail::pg_oid::bytea);
    detail::binary_array n_key(detail::pg_oid::int4);
    auto message = [&](int i, const std::string& text) {
      const sealed s = keys.seal(text, std::string(tenant) + "/message");
      m_consultation.add(ids_[static_cast<std::size_t>(i)]);
      m_resident.add(residents[static_cast<std::size_t>(i)]);
      m_body.add(s.blob);
      m_key.add(static_cast<std::int32_t>(s.key_id));
    };
    for (int i = 0; i < n; ++i) {
      message(i, everyday[i % 4]);
      message(i, i % 100 == 7 ? "学校でｲｼﾞﾒにあっています。番号" + std::to_string(i) : std::string(everyday[(i + 1) % 4]));
      if (i % 10 == 3) {
        const sealed s = keys.seal("スマホを取り上げられたとのこと", std::string(tenant) + "/note");
        n_consultation.add(ids_[static_cast<std::size_t>(i)]);
        n_body.add(s.blob);
        n_key.add(static_cast<std::int32_t>(s.key_id));
      }
    }
    tx.exec_params0("INSERT INTO message (tenant_id, consultation_id, resident_id, direction, kind, body, body_key_id, sent_at) "
                    "SELECT 'yamagata', c::uuid, r::uuid, 'in', 'text', b, k, now() "
                    "FROM unnest($1::text[], $2::text[], $3::bytea[], $4::int4[]) AS u(c, r, b, k)",
                    pqxx::binarystring(m_consultation.bytes()), pqxx::binarystring(m_resident.bytes()),
                    pqxx::binarystring(m_body.bytes()), pqxx::binarystring(m_key.bytes()));
    tx.exec_params0("INSERT INTO consultation_note (tenant_id, consultation_id, author_id, body, body_key_id) "
                    "SELECT 'yamagata', c::uuid, $4::uuid, b, k FROM unnest($1::text[], $2::bytea[], $3::int4[]) AS u(c, b, k)",
                    pqxx::binarystring(n_consultation.bytes()), pqxx::binarystring(n_body.bytes()),
                    pqxx::binarystring(n_key.bytes()), staff);
    tx.commit();
  }

  static search_request words(const char* text) {
    search_request r;
    r.words = routing::parse_search_words(text).words;
    return r;
  }

  std::vector<std::string> ids_;
};

const actor counsellor{tenant, "", routing::staff_role::counsellor, "", ""};

TEST_F(search_pg, the_indexer_fills_the_keyed_index_and_a_search_finds_words_in_every_width_and_kana) {
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  const keyring keys = make_keys({1});
  pqxx::connection conn(url());
  constexpr int n = 10'000;
  seed(conn, keys, n);
  ASSERT_EQ(count(url(), "SELECT count(*) FROM search_backlog"), 2 * n + n / 10);

  const auto start = std::chrono::steady_clock::now();
  const auto counts = detail::index_all(conn, keys, 500, 1000);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(counts.indexed, static_cast<std::size_t>(2 * n + n / 10));
  EXPECT_EQ(count(url(), "SELECT count(*) FROM search_backlog"), 0);
  std::printf("search index: %zu texts of %d consultations in %.2f s (%.0f texts/s), %lld grams, %lld kB with indexes\n",
              counts.indexed, n, seconds, static_cast<double>(counts.indexed) / seconds,
              count(url(), "SELECT count(*) FROM search_gram"),
              count(url(), "SELECT pg_total_relation_size('search_gram') / 1024"));

  // Found in its half-width form, by hiragana, katakana and half-width words alike; newest first.
  for (const char* query : {"いじめ", "イジメ", "ｲｼﾞﾒ", "いじめ 学校"}) {
    const auto t0 = std::chrono::steady_clock::now();
    auto request = words(query);
    request.limit = 50;
    const auto page = detail::run_search(conn, keys, counsellor, request);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(page.status, op_status::ok);
    ASSERT_EQ(page.value.items.size(), 50U) << query;  // of n / 100
    EXPECT_NE(page.value.next_cursor, "");
    EXPECT_EQ(page.value.items.front().consultation.consultation_id, ids_[n - 100 + 7]);
    EXPECT_EQ(page.value.items.front().snippet_match, "ｲｼﾞﾒ");
    EXPECT_EQ(page.value.items.front().snippet_before, "学校で");
    std::printf("search \"%s\": first %zu of %d matches in %d consultations, %zu verified, %.1f ms\n", query, page.value.items.size(), n / 100,
                n, page.value.examined, ms);
  }
  // A word in a thousand notes: the first page of 20, with a cursor to the next.
  {
    const auto t0 = std::chrono::steady_clock::now();
    const auto page = detail::run_search(conn, keys, counsellor, words("すまほ"));
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(page.status, op_status::ok);
    ASSERT_EQ(page.value.items.size(), 20U);
    EXPECT_EQ(page.value.items[0].snippet_source, "note");
    EXPECT_NE(page.value.next_cursor, "");
    auto next = words("すまほ");
    next.after = page.value.next_cursor;
    const auto second = detail::run_search(conn, keys, counsellor, next);
    ASSERT_EQ(second.value.items.size(), 20U);
    EXPECT_NE(second.value.items[0].consultation.consultation_id, page.value.items[19].consultation.consultation_id);
    std::printf("search \"すまほ\" (in %d notes): first page of 20 in %.1f ms\n", n / 10, ms);
  }
  // A word in every consultation, with a criterion: the budget of verified candidates bounds the work.
  {
    auto request = words("眠れなくて");
    request.state = "closed";
    const auto t0 = std::chrono::steady_clock::now();
    const auto page = detail::run_search(conn, keys, counsellor, request);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(page.status, op_status::ok);
    EXPECT_EQ(page.value.items.size(), 20U);
    for (const auto& hit : page.value.items) {
      EXPECT_EQ(hit.consultation.state, "closed");
    }
    std::printf("search \"眠れなくて\" + state=closed (%d matches): first page of 20 in %.1f ms\n", n / 4, ms);
  }
  // Criteria alone.
  {
    search_request request;
    request.state = "waiting";
    request.limit = 50;
    const auto t0 = std::chrono::steady_clock::now();
    const auto page = detail::run_search(conn, keys, counsellor, request);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(page.value.items.size(), 50U);
    EXPECT_EQ(page.value.items[0].consultation.consultation_id, ids_[n - 1]);
    std::printf("search state=waiting without words: first page of 50 in %.1f ms\n", ms);
  }
  // Another tenant finds nothing of this one, even with the same words.
  const auto other = detail::run_search(conn, keys, actor{"tendo", "", routing::staff_role::counsellor, "", ""},
                                        words("いじめ"));
  EXPECT_TRUE(other.value.items.empty());
  // Every search is audited, its words as their count.
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'consultation.search' "
                         "AND detail->>'words' IS NOT NULL AND detail::text NOT LIKE '%イジメ%'"),
            count(url(), "SELECT count(*) FROM audit_event WHERE action = 'consultation.search'"));
}

TEST_F(search_pg, a_withdrawn_message_is_not_found_and_a_purged_consultation_gets_no_grams) {
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  const keyring keys = make_keys({1});
  pqxx::connection conn(url());
  seed(conn, keys, 10);
  ASSERT_EQ(detail::index_all(conn, keys, 500, 10).indexed, 21U);
  // The resident unsent the message: the grams stay, the verification finds no text.
  sql(url(), "UPDATE message SET body = NULL, body_key_id = NULL, withdrawn_at = now() WHERE consultation_id = '" +
                 ids_[7] + "'");
  EXPECT_TRUE(detail::run_search(conn, keys, counsellor, words("いじめ")).value.items.empty());
  // A consultation purged before the indexer came: its queued texts add no grams.
  const sealed s = keys.seal("あとから届いた言葉", std::string(tenant) + "/message");
  {
    pqxx::work tx(conn);
    tx.exec_params0("INSERT INTO message (tenant_id, consultation_id, resident_id, direction, kind, body, body_key_id, sent_at) "
                    "SELECT tenant_id, consultation_id, resident_id, 'in', 'text', $2, $3, now() FROM consultation "
                    "WHERE consultation_id = $1::uuid",
                    ids_[2], pqxx::binarystring(s.blob), static_cast<int>(s.key_id));
    tx.exec_params0("UPDATE consultation SET purged_at = now() WHERE consultation_id = $1::uuid", ids_[2]);
    tx.commit();
  }
  const auto before = count(url(), "SELECT count(*) FROM search_gram WHERE consultation_id = '" + ids_[2] + "'");
  EXPECT_EQ(detail::index_all(conn, keys, 500, 10).rows, 1U);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM search_gram WHERE consultation_id = '" + ids_[2] + "'"), before);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM search_backlog"), 0);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
