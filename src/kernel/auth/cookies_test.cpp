#include "kernel/auth/cookies.h"

#include <gtest/gtest.h>

namespace krilin::kernel::auth {
namespace {

TEST(Cookies, FindsTheNamedCookie) {
  EXPECT_EQ(cookie_value("krilin_refresh=abc", "krilin_refresh"), "abc");
  EXPECT_EQ(cookie_value("a=1; krilin_refresh=abc; b=2", "krilin_refresh"), "abc");
  EXPECT_EQ(cookie_value("a=1;krilin_refresh=\"abc\"", "krilin_refresh"), "abc");
  EXPECT_EQ(cookie_value("xkrilin_refresh=1; krilin_refresh=2", "krilin_refresh"), "2");
  EXPECT_EQ(cookie_value("krilin_refresh=", "krilin_refresh"), "");
  EXPECT_FALSE(cookie_value("", "krilin_refresh"));
  EXPECT_FALSE(cookie_value("a=1; b", "krilin_refresh"));
  EXPECT_FALSE(cookie_value(std::string("krilin_refresh=a\x01z"), "krilin_refresh"));
  EXPECT_FALSE(cookie_value("krilin_refresh=" + std::string(5000, 'a'), "krilin_refresh"));
}

}  // namespace
}  // namespace krilin::kernel::auth
