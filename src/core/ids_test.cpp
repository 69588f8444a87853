#include "core/ids.h"

#include <set>

#include <gtest/gtest.h>

namespace krilin::core {
namespace {

TEST(Ids, NewIdIsCanonicalUuidV7) {
  auto id = new_id();
  EXPECT_TRUE(is_uuid(id)) << id;
  EXPECT_EQ(id[14], '7');
  EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
}

TEST(Ids, IdsSortByTime) {
  EXPECT_LT(new_id_at(1000), new_id_at(1001));
  EXPECT_LT(new_id_at(1'700'000'000'000), new_id_at(1'800'000'000'000));
}

TEST(Ids, RequestIdsAreShortUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = request_id();
    ASSERT_EQ(id.size(), 16u);
    for (char c : id) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(Ids, IdsAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(new_id()).second);
}

TEST(Ids, IsUuidRejectsNearMisses) {
  EXPECT_FALSE(is_uuid(""));
  EXPECT_FALSE(is_uuid("0190c6e8-2b3a-7cde-8f00-00000000000"));
  EXPECT_FALSE(is_uuid("0190C6E8-2B3A-7CDE-8F00-000000000000"));
  EXPECT_FALSE(is_uuid("0190c6e8x2b3a-7cde-8f00-000000000000"));
  EXPECT_TRUE(is_uuid("0190c6e8-2b3a-7cde-8f00-000000000000"));
}

TEST(Ids, Base64UrlRoundTrips) {
  std::string bin("\x00\xff\x10 hello", 9);
  std::string back;
  ASSERT_TRUE(base64url_decode(base64url_encode(bin), back));
  EXPECT_EQ(back, bin);
  EXPECT_FALSE(base64url_decode("***", back));
  EXPECT_EQ(random_token(32).size(), 43u);
  EXPECT_EQ(random_hex(16).size(), 32u);
}

}  // namespace
}  // namespace krilin::core
