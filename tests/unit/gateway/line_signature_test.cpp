#include "yorisoi/gateway/line_signature.hpp"

#include <gtest/gtest.h>

#include <string>

namespace yorisoi::gateway {
namespace {

const std::string secret = "8c570fa6dd201bb328f1c1eac23a96d8";
const std::string body = R"({"destination":"U0","events":[]})";

TEST(line_signature, accepts_the_signature_line_would_send) {
  const std::string header = sign_line_body(secret, body);
  ASSERT_EQ(header.size(), 44u);
  EXPECT_EQ(verify_line_signature(secret, body, header), signature_status::valid);
}

TEST(line_signature, matches_a_known_hmac_sha256_vector) {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  EXPECT_EQ(sign_line_body("Jefe", "what do ya want for nothing?"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
}

TEST(line_signature, rejects_a_missing_or_empty_header) {
  EXPECT_EQ(verify_line_signature(secret, body, std::nullopt), signature_status::missing);
  EXPECT_EQ(verify_line_signature(secret, body, ""), signature_status::missing);
}

TEST(line_signature, rejects_a_signature_made_with_another_secret) {
  const std::string header = sign_line_body("another secret", body);
  EXPECT_EQ(verify_line_signature(secret, body, header), signature_status::mismatch);
}

TEST(line_signature, rejects_a_tampered_body) {
  const std::string header = sign_line_body(secret, body);
  std::string tampered = body;
  tampered[tampered.size() - 3] = ' ';
  EXPECT_EQ(verify_line_signature(secret, tampered, header), signature_status::mismatch);
  EXPECT_EQ(verify_line_signature(secret, body + " ", header), signature_status::mismatch);
}

TEST(line_signature, rejects_text_that_is_not_base64) {
  std::string header = sign_line_body(secret, body);
  header[5] = '*';
  EXPECT_EQ(verify_line_signature(secret, body, header), signature_status::malformed);
  EXPECT_EQ(verify_line_signature(secret, body, "not base64 at all, but 44 characters long!="),
            signature_status::malformed);
}

TEST(line_signature, rejects_digests_of_the_wrong_length) {
  const std::string header = sign_line_body(secret, body);
  EXPECT_EQ(verify_line_signature(secret, body, header.substr(0, 40)), signature_status::malformed);
  EXPECT_EQ(verify_line_signature(secret, body, header + "AAAA"), signature_status::malformed);
  EXPECT_EQ(verify_line_signature(secret, body, "AAAA"), signature_status::malformed);
  // Unpadded base64 of the right digest is not what LINE sends.
  EXPECT_EQ(verify_line_signature(secret, body, header.substr(0, 43)), signature_status::malformed);
}

TEST(line_signature, rejects_non_canonical_trailing_bits) {
  std::string header = sign_line_body(secret, body);
  // The 43rd symbol carries 2 padding bits that must be zero; flip one of them.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto index = alphabet.find(header[42]);
  header[42] = alphabet[index ^ 1];
  EXPECT_EQ(verify_line_signature(secret, body, header), signature_status::malformed);
}

TEST(line_signature, refuses_everything_when_the_secret_is_empty) {
  const std::string header = sign_line_body("", body);
  EXPECT_EQ(verify_line_signature("", body, header), signature_status::no_secret);
  EXPECT_EQ(verify_line_signature("", body, std::nullopt), signature_status::no_secret);
}

TEST(line_signature, verifies_binary_bodies_byte_for_byte) {
  const std::string binary("\x00\xff\x10{\"events\":[]}\x00", 17);
  const std::string header = sign_line_body(secret, binary);
  EXPECT_EQ(verify_line_signature(secret, binary, header), signature_status::valid);
  EXPECT_EQ(verify_line_signature(secret, binary.substr(0, 16), header), signature_status::mismatch);
}

}  // namespace
}  // namespace yorisoi::gateway
