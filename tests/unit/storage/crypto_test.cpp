#include "yorisoi/storage/crypto.hpp"

#include <gtest/gtest.h>

namespace yorisoi::storage {
namespace {

std::string key_of(char fill) {
  return std::string(32, fill);
}
std::string pepper() {
  return std::string(32, 'p');
}

keyring ring_1() {
  return keyring({{1, key_of('a')}}, pepper());
}

TEST(keyring, round_trip) {
  const keyring ring = ring_1();
  const sealed s = ring.seal("相談したいことがあります", "t1/message");
  EXPECT_EQ(s.key_id, 1u);
  EXPECT_EQ(s.blob.size(), 12 + std::string("相談したいことがあります").size() + 16);
  EXPECT_EQ(ring.open(s, "t1/message"), "相談したいことがあります");
}

TEST(keyring, empty_plaintext_round_trips) {
  const keyring ring = ring_1();
  EXPECT_EQ(ring.open(ring.seal("", "ctx"), "ctx"), "");
}

TEST(keyring, same_plaintext_seals_differently) {
  const keyring ring = ring_1();
  EXPECT_NE(ring.seal("x", "ctx").blob, ring.seal("x", "ctx").blob);  // random nonce
}

TEST(keyring, wrong_context_fails) {
  const keyring ring = ring_1();
  const sealed s = ring.seal("hello", "t1/message");
  EXPECT_THROW((void)ring.open(s, "t2/message"), crypto_error);
  EXPECT_THROW((void)ring.open(s, "t1/resident"), crypto_error);
}

TEST(keyring, tampered_blob_fails) {
  const keyring ring = ring_1();
  const sealed s = ring.seal("hello", "ctx");
  for (std::size_t i = 0; i < s.blob.size(); ++i) {
    sealed bad = s;
    bad.blob[i] = static_cast<char>(bad.blob[i] ^ 0x01);
    EXPECT_THROW((void)ring.open(bad, "ctx"), crypto_error) << "byte " << i;
  }
  sealed truncated = s;
  truncated.blob.resize(20);
  EXPECT_THROW((void)ring.open(truncated, "ctx"), crypto_error);
}

TEST(keyring, unknown_key_id_fails) {
  const keyring ring = ring_1();
  sealed s = ring.seal("hello", "ctx");
  s.key_id = 7;
  EXPECT_THROW((void)ring.open(s, "ctx"), crypto_error);
}

TEST(keyring, wrong_key_fails) {
  const keyring other({{1, key_of('b')}}, pepper());
  EXPECT_THROW((void)other.open(ring_1().seal("hello", "ctx"), "ctx"), crypto_error);
}

TEST(keyring, rotation_keeps_old_rows_readable) {
  const keyring old_ring = ring_1();
  const sealed old_value = old_ring.seal("before", "ctx");
  const keyring new_ring({{1, key_of('a')}, {2, key_of('c')}}, pepper());
  EXPECT_EQ(new_ring.current_key_id(), 2u);
  EXPECT_EQ(new_ring.open(old_value, "ctx"), "before");
  const sealed new_value = new_ring.seal("after", "ctx");
  EXPECT_EQ(new_value.key_id, 2u);
  EXPECT_EQ(new_ring.open(new_value, "ctx"), "after");
  EXPECT_THROW((void)old_ring.open(new_value, "ctx"), crypto_error);
}

TEST(keyring, pseudonym_is_stable_and_separated) {
  const keyring ring = ring_1();
  const std::string p = ring.pseudonym("yamagata", "U123");
  EXPECT_EQ(p.size(), 32u);
  EXPECT_EQ(p, ring.pseudonym("yamagata", "U123"));
  EXPECT_EQ(p, keyring({{9, key_of('z')}}, pepper()).pseudonym("yamagata", "U123"));  // keys do not matter
  EXPECT_NE(p, ring.pseudonym("tendo", "U123"));
  EXPECT_NE(p, ring.pseudonym("yamagata", "U124"));
  EXPECT_NE(ring.pseudonym("ab", "c"), ring.pseudonym("a", "bc"));
  EXPECT_NE(p, keyring({{1, key_of('a')}}, std::string(32, 'q')).pseudonym("yamagata", "U123"));
}

TEST(keyring, bad_sizes_rejected) {
  EXPECT_THROW(keyring({}, pepper()), crypto_error);
  EXPECT_THROW(keyring({{1, std::string(31, 'a')}}, pepper()), crypto_error);
  EXPECT_THROW(keyring({{1, std::string(33, 'a')}}, pepper()), crypto_error);
  EXPECT_THROW(keyring({{1, key_of('a')}, {2, std::string(16, 'b')}}, pepper()), crypto_error);
  EXPECT_THROW(keyring({{1, key_of('a')}}, std::string(31, 'p')), crypto_error);
  EXPECT_NO_THROW(keyring({{1, key_of('a')}}, std::string(64, 'p')));
}

}  // namespace
}  // namespace yorisoi::storage
