#include "kernel/registry/semver.h"

#include <gtest/gtest.h>

namespace krilin::kernel::registry {
namespace {

Version v(const char* s) { return Version::parse(s).value(); }
bool sat(const char* range, const char* version) { return Range::parse(range).value().satisfied_by(v(version)); }

TEST(Semver, ParsesAndOrdersBySemVerPrecedence) {
  EXPECT_EQ(v("1.2.3").to_string(), "1.2.3");
  EXPECT_EQ(v("v1.2.3+build.5").to_string(), "1.2.3");
  // SemVer 2.0.0 §11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2
  //                   < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0
  const char* order[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                         "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"};
  for (std::size_t i = 0; i + 1 < std::size(order); ++i) EXPECT_LT(v(order[i]), v(order[i + 1])) << order[i];
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "a.b.c", "1.2.3-", "1.2.3-01", "1.2.3-a..b", "-1.2.3"})
    EXPECT_FALSE(Version::parse(bad).ok()) << bad;
}

TEST(Semver, RangesMeanWhatNpmMeans) {
  const std::tuple<const char*, const char*, bool> cases[] = {
      {"1.2.3", "1.2.3", true},      {"1.2.3", "1.2.4", false},     {"=1.2.3", "1.2.3", true},
      {"^1.2.3", "1.9.0", true},     {"^1.2.3", "2.0.0", false},    {"^1.2.3", "1.2.2", false},
      {"^0.2.3", "0.2.9", true},     {"^0.2.3", "0.3.0", false},    {"^0.0.3", "0.0.3", true},
      {"^0.0.3", "0.0.4", false},    {"^1.0", "1.5.0", true},       {"^0", "0.9.9", true},
      {"^0", "1.0.0", false},        {"~1.2.3", "1.2.9", true},     {"~1.2.3", "1.3.0", false},
      {"~1.2", "1.2.0", true},       {"~1", "1.9.9", true},         {"~1", "2.0.0", false},
      {">=1.2.0 <2.0.0", "1.5.0", true}, {">=1.2.0 <2.0.0", "2.0.0", false}, {">= 1.2.0", "1.2.0", true},
      {">1.2.3", "1.2.3", false},    {">1.2", "1.2.9", false},      {">1.2", "1.3.0", true},
      {"<=1.2", "1.2.9", true},      {"<=1.2", "1.3.0", false},     {"1.x", "1.9.0", true},
      {"1.x", "2.0.0", false},       {"1.2", "1.2.7", true},        {"*", "3.4.5", true},
      {"", "0.0.1", true},           {"^1.0 || ^2.0", "2.3.0", true}, {"^1.0 || ^2.0", "3.0.0", false},
      {"<1.0.0 || >=3.0.0", "2.0.0", false}, {"<1.0.0 || >=3.0.0", "0.5.0", true},
      // pre-releases only when asked for, on the same release
      {"^1.0.0", "1.1.0-beta.1", false}, {">=1.1.0-beta.1 <2.0.0", "1.1.0-beta.2", true},
      {">=1.1.0-beta.1 <2.0.0", "1.2.0-beta.1", false}, {"*", "1.0.0-rc.1", false},
  };
  for (const auto& [range, version, expected] : cases) EXPECT_EQ(sat(range, version), expected) << range << " vs " << version;
}

TEST(Semver, BadRangesSayWhy) {
  for (const char* bad : {"^", ">=", "1.2.3.4", "^a.b", "1.x.3", "1.2.3 - 2.0.0", "||", "^1.0 ||", "~01.2", ">=1.2.3-"}) {
    auto r = Range::parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, "invalid_version_range") << bad;
    }
  }
  EXPECT_FALSE(Range::parse(std::string(600, '1')).ok());
}

TEST(Semver, PicksTheHighestSatisfyingVersion) {
  std::vector<Version> available{v("1.0.0"), v("1.4.2"), v("1.5.0-beta.1"), v("2.0.0"), v("0.9.0")};
  EXPECT_EQ(max_satisfying(available, Range::parse("^1.0").value())->to_string(), "1.4.2");
  EXPECT_EQ(max_satisfying(available, Range::parse(">=1.0.0").value())->to_string(), "2.0.0");
  EXPECT_FALSE(max_satisfying(available, Range::parse("^3").value()));
}

}  // namespace
}  // namespace krilin::kernel::registry
