// The loader's small parsers, from tables of cases.

#include <gtest/gtest.h>

#include "text_values.hpp"

namespace yorisoi::config::detail {
namespace {

TEST(config_text_values, clock_times) {
  EXPECT_EQ(parse_clock_time("00:00", false), 0);
  EXPECT_EQ(parse_clock_time("18:00", false), 18 * 60);
  EXPECT_EQ(parse_clock_time("23:59", false), 23 * 60 + 59);
  EXPECT_EQ(parse_clock_time("24:00", true), 24 * 60);
  for (const char* bad : {"24:00", "25:00", "18:60", "8:00", "18:0", "18-00", "", "aa:bb", "18:00 ", "-1:00"}) {
    EXPECT_FALSE(parse_clock_time(bad, false)) << bad;
  }
  EXPECT_FALSE(parse_clock_time("24:01", true));
}

TEST(config_text_values, dates) {
  EXPECT_EQ(parse_local_date("2023-02-16"), (local_date{2023, 2, 16}));
  EXPECT_EQ(parse_local_date("2024-02-29"), (local_date{2024, 2, 29}));
  EXPECT_EQ(parse_local_date("2000-02-29"), (local_date{2000, 2, 29}));
  for (const char* bad : {"2023-02-29", "1900-02-29", "2023-02-30", "2023-04-31", "2023-13-01", "2023-00-10",
                          "2023-01-00", "2023-1-01", "23-01-01", "2023/01/01", "0000-01-01"}) {
    EXPECT_FALSE(parse_local_date(bad)) << bad;
  }
  EXPECT_EQ(parse_month_day("12-29"), (month_day{12, 29}));
  EXPECT_EQ(parse_month_day("02-29"), (month_day{2, 29}));
  EXPECT_FALSE(parse_month_day("02-30"));
  EXPECT_FALSE(parse_month_day("1-03"));
  EXPECT_EQ(format_date(local_date{2023, 2, 8}), "2023-02-08");
}

TEST(config_text_values, weekdays) {
  EXPECT_EQ(parse_weekday("sun"), 0);
  EXPECT_EQ(parse_weekday("mon"), 1);
  EXPECT_EQ(parse_weekday("sat"), 6);
  EXPECT_FALSE(parse_weekday("Mon"));
  EXPECT_FALSE(parse_weekday("monday"));
}

TEST(config_text_values, listen_addresses) {
  const auto v4 = parse_listen("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  const auto v6 = parse_listen("[::]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::");
  EXPECT_EQ(parse_listen("localhost:65535")->port, 65535);
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", ":80", "::1:80", "h:65536", "h:+80", "h:80x", "[]:80", "h:000080"}) {
    EXPECT_FALSE(parse_listen(bad)) << bad;
  }
}

TEST(config_text_values, base64) {
  EXPECT_EQ(decode_base64("aGVsbG8="), "hello");
  EXPECT_EQ(decode_base64("aGVsbG8"), "hello");
  EXPECT_EQ(decode_base64("aGk="), "hi");
  EXPECT_EQ(decode_base64(""), "");
  EXPECT_FALSE(decode_base64("aGVsbG8==="));
  EXPECT_FALSE(decode_base64("a"));
  EXPECT_FALSE(decode_base64("aGVs bG8="));
  EXPECT_FALSE(decode_base64("aGVsbG9="));  // non-zero leftover bits
}

TEST(config_text_values, placeholders) {
  EXPECT_EQ(check_placeholders("from {next_window}", {"next_window"}), "");
  EXPECT_EQ(check_placeholders("no braces", {}), "");
  EXPECT_NE(check_placeholders("{next}", {"next_window"}), "");
  EXPECT_NE(check_placeholders("{next_window", {"next_window"}), "");
  EXPECT_NE(check_placeholders("{}", {}), "");
}

TEST(config_text_values, time_zones) {
  EXPECT_EQ(time_zone_offset_minutes("Asia/Tokyo"), 540);
  EXPECT_EQ(time_zone_offset_minutes("UTC"), 0);
  EXPECT_FALSE(time_zone_offset_minutes("Japan"));
}

}  // namespace
}  // namespace yorisoi::config::detail
