// Every validation rule, as a table: a small change to a valid document, the key the error must name
// and a fragment of what it must say. Each row is its own test case.

#include "test_support.hpp"

namespace yorisoi::config::test {
namespace {

struct bad_case {
  std::string name;
  std::string document;
  std::string key;
  std::string says;
};

std::string with(const std::string& from, const std::string& to) {
  return replaced(minimal_document(), from, to);
}
std::string two_tenants(const std::string& id, const std::string& channel, const std::string& code,
                        const std::string& link_channel) {
  return minimal_document() + second_tenant(id, channel, code, link_channel);
}

const std::string hub_unit = "[[tenant.org_unit]]\nid = \"hub\"\nname = \"Hub\"\nkind = \"hub\"\n";
const std::string window = R"(windows = [{ days = ["mon", "tue"], start = "18:00", end = "21:00" }])";

std::vector<bad_case> cases() {
  return {
      // Unknown keys, at every level.
      {"unknown_top_level_key", "colour = 1\n" + minimal_document(), "colour", "unknown key"},
      {"unknown_server_key", with("[server]\n", "[server]\nlisten_port = 1\n"), "server.listen_port",
       "unknown key"},
      {"unknown_database_key", minimal_document() + "[database]\npassword = \"x\"\n", "database.password",
       "unknown key"},
      {"unknown_line_key", minimal_document() + "[line]\nbase = \"https://x\"\n", "line.base", "unknown key"},
      {"unknown_crypto_key", minimal_document() + "[crypto]\nkey_env = \"K\"\n", "crypto.key_env",
       "unknown key"},
      {"unknown_tenant_key", with("id = \"t1\"\n", "id = \"t1\"\ncategory = [\"x\"]\n"), "tenant[0].category",
       "unknown key"},
      {"unknown_channel_key", with("key = \"c1\"\n", "key = \"c1\"\nsecret = \"plain\"\n"),
       "tenant[0].channel[0].secret", "unknown key"},
      {"unknown_window_key", with("start = \"18:00\"", "begin = \"17:00\", start = \"18:00\""),
       "tenant[0].schedule.windows[0].begin", "unknown key"},
      {"unknown_schedule_key", with("closed_dates", "holidays = true\nclosed_dates"),
       "tenant[0].schedule.holidays", "unknown key"},
      {"unknown_service_key", with("intake_start", "intake_begin = \"2024-01-01\"\nintake_start"),
       "tenant[0].service.intake_begin", "unknown key"},
      {"unknown_message_key", with("greeting =", "welcome = \"x\"\ngreeting ="), "tenant[0].messages.welcome",
       "unknown key"},
      {"unknown_org_unit_key", with("kind = \"hub\"\n", "kind = \"hub\"\nparent = \"x\"\n"),
       "tenant[0].org_unit[0].parent", "unknown key"},
      {"unknown_link_key", with("label = \"Link one\"\n", "label = \"Link one\"\nurl = \"x\"\n"),
       "tenant[0].link[0].url", "unknown key"},
      {"unknown_template_key",
       minimal_document() + "[[tenant.template]]\nid = \"a\"\ntitle = \"A\"\ntext = \"t\"\nbody = \"b\"\n",
       "tenant[0].template[0].body", "unknown key"},

      // Wrong types.
      {"string_where_integer", with("[server]\n", "[server]\nthreads = \"4\"\n"), "server.threads",
       "must be an integer, not a string"},
      {"integer_where_string", with("name = \"Town\"", "name = 5"), "tenant[0].name", "must be a string"},
      {"boolean_wrong_type", with("closed_dates", "national_holidays = \"yes\"\nclosed_dates"),
       "tenant[0].schedule.national_holidays", "true or false"},
      {"array_element_wrong_type", with("categories = [\"a\", \"b\"]", "categories = [\"a\", 2]"),
       "tenant[0].categories[1]", "must be a string"},
      {"table_where_array", with("[[tenant.link]]", "[tenant.link]"), "tenant[0].link", "array of tables"},
      {"integer_out_of_range", with("[server]\n", "[server]\nmax_connections = 0\n"),
       "server.max_connections", "between 1 and"},
      {"sockets_per_user_zero", with("[server]\n", "[server]\nmax_sockets_per_user = 0\n"),
       "server.max_sockets_per_user", "between 1 and"},
      {"connections_per_address_zero", with("[server]\n", "[server]\nmax_connections_per_address = 0\n"),
       "server.max_connections_per_address", "between 1 and"},

      // Times and weekdays.
      {"hour_25", with("start = \"18:00\"", "start = \"25:00\""), "tenant[0].schedule.windows[0].start",
       "not a time of day"},
      {"minute_60", with("end = \"21:00\"", "end = \"18:60\""), "tenant[0].schedule.windows[0].end",
       "not a time of day"},
      {"start_not_before_end", with("end = \"21:00\"", "end = \"18:00\""),
       "tenant[0].schedule.windows[0].end", "later than start"},
      {"start_24_00", with("start = \"18:00\"", "start = \"24:00\""), "tenant[0].schedule.windows[0].start",
       "not a time of day"},
      {"time_one_digit_hour", with("start = \"18:00\"", "start = \"8:00\""),
       "tenant[0].schedule.windows[0].start", "HH:MM"},
      {"bad_weekday", with("[\"mon\", \"tue\"]", "[\"mon\", \"tues\"]"),
       "tenant[0].schedule.windows[0].days[1]", "not a weekday"},
      {"weekday_twice", with("[\"mon\", \"tue\"]", "[\"mon\", \"mon\"]"),
       "tenant[0].schedule.windows[0].days[1]", "listed twice"},
      {"no_days", with("[\"mon\", \"tue\"]", "[]"), "tenant[0].schedule.windows[0].days", "is required"},
      {"overlapping_windows",
       with(
           window,
           R"(windows = [{ days = ["mon"], start = "18:00", end = "21:00" }, { days = ["sun", "mon"], start = "20:00", end = "22:00" }])"),
       "tenant[0].schedule.windows[1]", "overlaps windows[0] on mon"},
      {"no_windows", with(window, "windows = []"), "tenant[0].schedule.windows", "at least one"},
      {"no_schedule",
       with("[tenant.schedule]\n" + window +
                "\nclosed_every_year = [\"12-31\"]\nclosed_dates = [\"2024-05-07\"]\n",
            ""),
       "tenant[0].schedule", "is required"},

      // Dates and the service period.
      {"february_30", with("closed_dates = [\"2024-05-07\"]", "closed_dates = [\"2023-02-30\"]"),
       "tenant[0].schedule.closed_dates[0]", "not a calendar date"},
      {"february_29_in_a_common_year", with("intake_start = \"2024-01-01\"", "intake_start = \"2023-02-29\""),
       "tenant[0].service.intake_start", "not a calendar date"},
      {"toml_date_checked_too",
       with("intake_start = \"2024-01-01\"", "intake_start = 2024-01-01\nintake_end = 2023-12-31"),
       "tenant[0].service.intake_end", "before intake_start"},
      {"bad_month_day", with("[\"12-31\"]", "[\"13-01\"]"), "tenant[0].schedule.closed_every_year[0]",
       "not a day of the year"},
      {"intake_end_before_start",
       with("intake_start = \"2024-01-01\"", "intake_start = \"2024-01-01\"\nintake_end = \"2023-12-31\""),
       "tenant[0].service.intake_end", "before intake_start"},
      {"answers_until_before_intake_end",
       with("intake_start = \"2024-01-01\"",
            "intake_start = \"2024-01-01\"\nintake_end = \"2024-02-01\"\nanswers_until = \"2024-01-31\""),
       "tenant[0].service.answers_until", "before intake_end"},
      {"answers_until_before_intake_start",
       with("intake_start = \"2024-01-01\"", "intake_start = \"2024-01-01\"\nanswers_until = \"2023-01-31\""),
       "tenant[0].service.answers_until", "before intake_start"},
      {"date_wrong_type", with("intake_start = \"2024-01-01\"", "intake_start = 20240101"),
       "tenant[0].service.intake_start", "must be a date"},

      // Secrets.
      {"secret_env_not_set", with("C1_SECRET", "C1_MISSING"), "tenant[0].channel[0].secret_env",
       "environment variable C1_MISSING is not set"},
      {"access_token_env_not_set", with("C1_TOKEN", "C1_MISSING_TOKEN"),
       "tenant[0].channel[0].access_token_env", "environment variable C1_MISSING_TOKEN is not set"},
      {"secret_env_and_file",
       with("secret_env = \"C1_SECRET\"", "secret_env = \"C1_SECRET\"\nsecret_file = \"s\""),
       "tenant[0].channel[0].secret_file", "not both"},
      {"no_secret", with("secret_env = \"C1_SECRET\"\n", ""), "tenant[0].channel[0].secret_env",
       "is required"},
      {"secret_env_bad_name", with("\"C1_SECRET\"", "\"C1 SECRET\""), "tenant[0].channel[0].secret_env",
       "not an environment variable name"},
      {"secret_file_missing", with("secret_env = \"C1_SECRET\"", "secret_file = \"no-such-secret\""),
       "tenant[0].channel[0].secret_file", "/virtual/conf/no-such-secret"},

      // Uniqueness and references.
      {"duplicate_tenant_id", two_tenants("t1", "c2", "l2", "c2"), "tenant[1].id",
       "already used by tenant[0]"},
      {"duplicate_channel_key_across_tenants", two_tenants("t2", "c1", "l2", "c1"),
       "tenant[1].channel[0].key", "already used by tenant[0].channel[0]"},
      {"duplicate_channel_key_in_tenant",
       with("[tenant.schedule]",
            "[[tenant.channel]]\nkey = \"c1\"\nname = \"again\"\nsecret_env = \"C1_SECRET\"\n"
            "access_token_env = \"C1_TOKEN\"\nadd_friend_url = \"https://x\"\n\n[tenant.schedule]"),
       "tenant[0].channel[1].key", "already used by tenant[0].channel[0]"},
      {"duplicate_link_code_across_tenants", two_tenants("t2", "c2", "l1", "c2"), "tenant[1].link[0].code",
       "already used by tenant[0].link[0]"},
      {"link_to_unknown_channel", with("channel = \"c1\"", "channel = \"c9\""), "tenant[0].link[0].channel",
       "no channel has the key \"c9\""},
      {"link_to_other_tenants_channel", two_tenants("t2", "c2", "l2", "c1"), "tenant[1].link[0].channel",
       "belongs to tenant \"t1\""},
      {"duplicate_org_unit_id",
       minimal_document() + "[[tenant.org_unit]]\nid = \"hub\"\nname = \"D\"\nkind = \"department\"\n",
       "tenant[0].org_unit[1].id", "already used by org_unit[0]"},
      {"two_hubs", minimal_document() + "[[tenant.org_unit]]\nid = \"hub2\"\nname = \"H2\"\nkind = \"hub\"\n",
       "tenant[0].org_unit[1].kind", "exactly one"},
      {"no_hub", with(hub_unit, "[[tenant.org_unit]]\nid = \"d\"\nname = \"D\"\nkind = \"department\"\n"),
       "tenant[0].org_unit", "exactly one org_unit with kind = \"hub\""},
      {"bad_org_unit_kind", with("kind = \"hub\"", "kind = \"division\""), "tenant[0].org_unit[0].kind",
       "not one of hub, department, platform_group"},
      {"platform_group_without_members",
       minimal_document() + "[[tenant.org_unit]]\nid = \"g\"\nname = \"G\"\nkind = \"platform_group\"\n",
       "tenant[0].org_unit[1].members", "member organisations"},
      {"duplicate_template_id",
       minimal_document() + "[[tenant.template]]\nid = \"a\"\ntitle = \"A\"\ntext = \"t\"\n"
                            "[[tenant.template]]\nid = \"a\"\ntitle = \"B\"\ntext = \"u\"\n",
       "tenant[0].template[1].id", "already used by template[0]"},
      {"bad_identifier", with("id = \"t1\"", "id = \"T 1\""), "tenant[0].id", "not a valid identifier"},
      {"no_tenant", "[server]\nlisten = \"127.0.0.1:0\"\n", "tenant", "no [[tenant]]"},
      {"no_channel",
       with("[[tenant.channel]]\nkey = \"c1\"\nname = \"Channel one\"\nsecret_env = "
            "\"C1_SECRET\"\naccess_token_env = \"C1_TOKEN\"\nadd_friend_url = "
            "\"https://line.me/R/ti/p/@c1\"\n",
            ""),
       "tenant[0].channel", "at least one"},

      // Time zones.
      {"unknown_time_zone", with("Asia/Tokyo", "America/New_York"), "tenant[0].time_zone",
       "only fixed-offset zones are supported: Asia/Tokyo (+09:00), UTC (+00:00)"},

      // Lists.
      {"empty_categories", with("categories = [\"a\", \"b\"]", "categories = []"), "tenant[0].categories",
       "at least one"},
      {"missing_categories", with("categories = [\"a\", \"b\"]\n", ""), "tenant[0].categories",
       "at least one"},
      {"duplicate_category", with("categories = [\"a\", \"b\"]", "categories = [\"a\", \"b\", \"a\"]"),
       "tenant[0].categories[2]", "listed twice"},
      {"duplicate_age_band", with("[\"10s\", \"20s\"]", "[\"10s\", \"10s\"]"), "tenant[0].age_bands[1]",
       "listed twice"},
      {"empty_category_name", with("categories = [\"a\", \"b\"]", "categories = [\"a\", \"\"]"),
       "tenant[0].categories[1]", "must not be empty"},

      // Messages.
      {"unknown_placeholder_in_off_hours", with("{next_window}", "{next_slot}"),
       "tenant[0].messages.off_hours", "unknown placeholder {next_slot}"},
      {"placeholder_in_wrong_message", with("greeting = \"hello\"", "greeting = \"hello {other_contacts}\""),
       "tenant[0].messages.greeting", "unknown placeholder {other_contacts}"},
      {"unclosed_placeholder", with("crisis = \"call 119\"", "crisis = \"call {119\""),
       "tenant[0].messages.crisis", "without a closing"},
      {"missing_message", with("crisis = \"call 119\"\n", ""), "tenant[0].messages.crisis", "is required"},
      {"empty_message", with("age_question = \"age?\"", "age_question = \"\""),
       "tenant[0].messages.age_question", "must not be empty"},

      // Server and database.
      {"bad_listen_no_port", with("listen = \"127.0.0.1:0\"", "listen = \"127.0.0.1\""), "server.listen",
       "not host:port"},
      {"bad_listen_port", with("listen = \"127.0.0.1:0\"", "listen = \"127.0.0.1:65536\""), "server.listen",
       "not host:port"},
      {"empty_database_url", minimal_document() + "[database]\nurl = \"\"\n", "database.url",
       "YORISOI_DATABASE_URL"},
      {"bad_api_base", minimal_document() + "[line]\napi_base = \"api.line.me\"\n", "line.api_base",
       "https://"},
  };
}

class config_validation : public ::testing::TestWithParam<bad_case> {};

TEST_P(config_validation, rejects_with_file_and_key) {
  const bad_case& c = GetParam();
  const fake_env env;
  const auto e = load_error(c.document, env);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->file(), test_label);
  EXPECT_EQ(e->key(), c.key) << e->what();
  const std::string what = e->what();
  EXPECT_NE(what.find(c.says), std::string::npos) << what;
  // The message starts with the file and the key, so a log line alone locates the problem.
  EXPECT_EQ(what.rfind(std::string(test_label) + ": " + c.key + ": ", 0), 0U) << what;
}

INSTANTIATE_TEST_SUITE_P(rules, config_validation, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<bad_case>& param_info) {
                           return param_info.param.name;
                         });

TEST(config_syntax, a_toml_syntax_error_reports_the_line) {
  const fake_env env;
  const auto e = load_error("[server]\nlisten = \"127.0.0.1:0\"\nthreads = = 4\n", env);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->file(), test_label);
  EXPECT_EQ(e->key(), "");
  EXPECT_NE(std::string(e->what()).find("line 3"), std::string::npos) << e->what();
}

TEST(config_syntax, a_redefined_table_is_a_syntax_error) {
  const fake_env env;
  const auto e = load_error(minimal_document() + "[server]\nthreads = 1\n", env);
  ASSERT_TRUE(e);
  EXPECT_NE(std::string(e->what()).find("TOML syntax error"), std::string::npos) << e->what();
}

TEST(config_syntax, garbage_never_crashes) {
  const fake_env env;
  const std::string inputs[] = {
      "",
      std::string("\0\xff\xfe", 3),
      "[[[",
      "a = \"\\u0000\"",
      "tenant = 1",
      "tenant = [1, 2]",
      "[[tenant]]\n[[tenant.channel]]\n",
      "[tenant]\nid = \"x\"",
      "server = []",
      "[[server]]",
      std::string(5000, '['),
  };
  for (const auto& input : inputs) {
    EXPECT_THROW((void)load_from_string(input, test_label, env.lookup()), error) << input.substr(0, 20);
  }
}

}  // namespace
}  // namespace yorisoi::config::test
