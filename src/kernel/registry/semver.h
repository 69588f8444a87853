#pragma once
// Semantic versions (SemVer 2.0.0) and the ranges app manifests use for dependencies:
// exact ("1.2.3"), comparisons (">=1.2.0 <2.0.0"), caret ("^1.2"), tilde ("~1.2.3"),
// partials and wildcards ("1.x", "1.2", "*"), and alternatives ("^1.0 || ^2.0"), with npm's
// meaning. A pre-release (1.3.0-beta.1) satisfies a range only when a comparator of the
// same set names a pre-release of the same major.minor.patch (npm's rule), so ranges never
// pick up pre-releases by accident.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krilin/sdk/result.h"

namespace krilin::kernel::registry {

struct Version {
  long major = 0, minor = 0, patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers; empty for a release

  static Result<Version> parse(std::string_view text);
  std::string to_string() const;
  friend int compare(const Version& a, const Version& b);  // SemVer precedence
  friend bool operator<(const Version& a, const Version& b) { return compare(a, b) < 0; }
  friend bool operator==(const Version& a, const Version& b) { return compare(a, b) == 0; }
};

class Range {
 public:
  static Result<Range> parse(std::string_view text);
  bool satisfied_by(const Version& v) const;
  const std::string& text() const { return text_; }

  enum class Op { lt, le, gt, ge, eq };
  struct Comparator {
    Op op;
    Version version;
  };

 private:
  std::string text_;
  std::vector<std::vector<Comparator>> sets_;  // OR of ANDs
};

// The highest of `versions` in `range`, if any.
std::optional<Version> max_satisfying(const std::vector<Version>& versions, const Range& range);

}  // namespace krilin::kernel::registry
