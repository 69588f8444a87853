#include "kernel/auth/password.h"

#include <gtest/gtest.h>

namespace krilin::kernel::auth {
namespace {

TEST(PasswordPolicy, LengthCountsCharactersNotBytes) {
  EXPECT_FALSE(check_password_policy("short").ok());
  EXPECT_EQ(check_password_policy("short").error().code, "weak_password");
  EXPECT_TRUE(check_password_policy("correct horse battery").ok());
  EXPECT_TRUE(check_password_policy("ünïcødé✓pw").ok());            // 10 characters, more bytes
  EXPECT_FALSE(check_password_policy("äöüäöüä").ok());              // 7 characters, 14 bytes
  EXPECT_TRUE(check_password_policy(std::string(128, 'q') + "z").ok());  // 128+ accepted
  EXPECT_FALSE(check_password_policy(std::string(1025, 'q')).ok());
  EXPECT_FALSE(check_password_policy("bad\xff\xfeutf8 text").ok());
  EXPECT_FALSE(check_password_policy(std::string("nul\0inside pw", 13)).ok());
}

TEST(PasswordPolicy, RefusesCommonPasswordsWhateverTheCase) {
  EXPECT_GE(common_password_count(), 10000u);
  EXPECT_TRUE(is_common_password("password"));
  EXPECT_TRUE(is_common_password("PassWord"));
  EXPECT_TRUE(is_common_password("qwertyuiop"));
  EXPECT_FALSE(is_common_password("tr0ub4dor&3-staple-zebra"));
  EXPECT_FALSE(check_password_policy("baseball").ok());
  EXPECT_FALSE(check_password_policy("ann@example.com", "Ann@Example.com").ok());
}

TEST(PasswordHash, Argon2idWithTheMinimumParametersAndRehashWhenRaised) {
  HashParams fast{.ops = 2, .mem_bytes = 19 * 1024 * 1024};
  std::string h = hash_password("correct horse battery", fast);
  EXPECT_EQ(h.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << h;
  EXPECT_TRUE(verify_password(h, "correct horse battery"));
  EXPECT_FALSE(verify_password(h, "correct horse batterY"));
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("$argon2id$garbage", "x"));
  EXPECT_FALSE(needs_rehash(h, fast));
  EXPECT_TRUE(needs_rehash(h, {.ops = 3, .mem_bytes = 19 * 1024 * 1024}));
  EXPECT_NE(hash_password("correct horse battery", fast), h);  // salted
}

}  // namespace
}  // namespace krilin::kernel::auth
