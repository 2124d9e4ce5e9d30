// RFC 6238's SHA-1 test vectors (Appendix B, secret "12345678901234567890") at their fixed times, and
// the rules of verification: the window of one step either side, no replay, only six digits.
#include "console/totp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

namespace yorisoi::storage::detail {
namespace {

const std::string rfc_secret = "12345678901234567890";

struct vector_row {
  std::int64_t time;
  const char* eight_digits;
};
constexpr vector_row rfc_vectors[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
};

TEST(totp, rfc6238_sha1_vectors_in_eight_and_six_digits) {
  for (const auto& row : rfc_vectors) {
    EXPECT_EQ(totp_code(rfc_secret, row.time, 8), row.eight_digits) << row.time;
    // Six digits are the last six of the same truncated value.
    const std::string six = std::string(row.eight_digits).substr(2);
    EXPECT_EQ(totp_code(rfc_secret, row.time), six) << row.time;
    const auto step = totp_verify(rfc_secret, six, row.time, std::nullopt);
    ASSERT_TRUE(step.has_value()) << row.time;
    EXPECT_EQ(*step, row.time / 30);
  }
}

TEST(totp, one_step_either_side_is_accepted_two_are_not) {
  const std::int64_t t = 1111111111;
  const std::string code = totp_code(rfc_secret, t);
  EXPECT_TRUE(totp_verify(rfc_secret, code, t + 30, std::nullopt).has_value());
  EXPECT_TRUE(totp_verify(rfc_secret, code, t - 30, std::nullopt).has_value());
  EXPECT_FALSE(totp_verify(rfc_secret, code, t + 60, std::nullopt).has_value());
  EXPECT_FALSE(totp_verify(rfc_secret, code, t - 60, std::nullopt).has_value());
}

TEST(totp, a_used_step_is_never_accepted_again) {
  const std::int64_t t = 1234567890;
  const std::string code = totp_code(rfc_secret, t);
  const auto step = totp_verify(rfc_secret, code, t, std::nullopt);
  ASSERT_TRUE(step.has_value());
  EXPECT_FALSE(totp_verify(rfc_secret, code, t, step).has_value());
  EXPECT_FALSE(totp_verify(rfc_secret, code, t + 10, step).has_value());
  // An earlier step's code is refused once a later step was used.
  EXPECT_FALSE(totp_verify(rfc_secret, totp_code(rfc_secret, t - 30), t, step).has_value());
  // The next step's code still works.
  EXPECT_TRUE(totp_verify(rfc_secret, totp_code(rfc_secret, t + 30), t + 30, step).has_value());
}

TEST(totp, only_six_ascii_digits_are_a_code) {
  const std::int64_t t = 59;
  EXPECT_FALSE(totp_verify(rfc_secret, "94287082", t, std::nullopt).has_value());
  EXPECT_FALSE(totp_verify(rfc_secret, "28708", t, std::nullopt).has_value());
  EXPECT_FALSE(totp_verify(rfc_secret, "28708a", t, std::nullopt).has_value());
  EXPECT_FALSE(totp_verify(rfc_secret, "", t, std::nullopt).has_value());
  EXPECT_FALSE(totp_verify(rfc_secret, "000000", t, std::nullopt).has_value());
}

TEST(totp, base32_and_the_otpauth_uri) {
  EXPECT_EQ(base32(rfc_secret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(base32("f"), "MY");
  EXPECT_EQ(base32("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(
      otpauth_uri("山形市", "tanaka", "GEZDGNBV"),
      "otpauth://totp/%E5%B1%B1%E5%BD%A2%E5%B8%82:tanaka?secret=GEZDGNBV&issuer=%E5%B1%B1%E5%BD%A2%E5%B8%82"
      "&algorithm=SHA1&digits=6&period=30");
}

TEST(totp, recovery_codes_are_ten_distinct_and_normalised_when_typed) {
  const auto codes = new_recovery_codes();
  ASSERT_EQ(codes.size(), recovery_code_count);
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), codes.size());
  for (const auto& c : codes) {
    ASSERT_EQ(c.size(), 11U);
    EXPECT_EQ(c[5], '-');
  }
  EXPECT_EQ(normalise_recovery_code(" ABCDE-fghij "), "abcdefghij");
  EXPECT_EQ(new_totp_secret().size(), totp_secret_bytes);
}

}  // namespace
}  // namespace yorisoi::storage::detail
