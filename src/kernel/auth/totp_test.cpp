#include "kernel/auth/totp.h"

#include <gtest/gtest.h>

namespace krilin::kernel::auth {
namespace {

// RFC 6238 Appendix B, the SHA-1 column (8 digits, seed "12345678901234567890").
TEST(Totp, Rfc6238AppendixBVectors) {
  const std::string seed = "12345678901234567890";
  const std::pair<std::int64_t, const char*> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
  };
  for (const auto& [t, code] : vectors) EXPECT_EQ(totp_code(seed, t, 8), code) << t;
}

TEST(Totp, AcceptsOneStepEitherWayAndSaysWhichStep) {
  const std::string secret = new_totp_secret();
  const std::int64_t now = 1'800'000'000;
  const std::uint64_t step = static_cast<std::uint64_t>(now / 30);
  EXPECT_EQ(totp_verify(secret, totp_code(secret, now), now), step);
  EXPECT_EQ(totp_verify(secret, totp_code(secret, now - 30), now), step - 1);
  EXPECT_EQ(totp_verify(secret, totp_code(secret, now + 30), now), step + 1);
  EXPECT_FALSE(totp_verify(secret, totp_code(secret, now - 90), now));
  EXPECT_FALSE(totp_verify(secret, "12345", now));
  EXPECT_FALSE(totp_verify(secret, "12345a", now));
  EXPECT_FALSE(totp_verify(secret, "", now));
}

TEST(Totp, Base32AndUri) {
  EXPECT_EQ(base32_encode("foobar"), "MZXW6YTBOI");  // RFC 4648 §10, unpadded
  EXPECT_EQ(otpauth_uri("foobar", "ann@example.com", "Krilin"),
            "otpauth://totp/Krilin:ann%40example.com?secret=MZXW6YTBOI&issuer=Krilin&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace krilin::kernel::auth
