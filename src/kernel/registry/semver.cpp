#include "kernel/registry/semver.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace krilin::kernel::registry {
namespace {

Error bad_version(std::string_view text, std::string why) {
  return Error::invalid("invalid_version", "'" + std::string(text.substr(0, 64)) + "' is not a version: " + why + ".");
}
Error bad_range(std::string_view text, std::string why) {
  return Error::invalid("invalid_version_range", "'" + std::string(text.substr(0, 128)) + "' is not a version range: " + why + ".");
}

bool numeric(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<long> number(std::string_view s) {
  if (!numeric(s) || s.size() > 9 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  long v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    auto p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) return out;
    start = p + 1;
  }
}

// A partial version: "1", "1.2", "1.2.3", with "x", "X" or "*" for a missing part.
struct Partial {
  std::optional<long> major, minor, patch;
  std::vector<std::string> prerelease;
};

Result<Partial> parse_partial(std::string_view s, std::string_view whole) {
  Partial p;
  if (s.empty()) return bad_range(whole, "a comparator has no version");
  if (s.front() == 'v' || s.front() == '=') s.remove_prefix(1);
  auto plus = s.find('+');
  if (plus != std::string_view::npos) s = s.substr(0, plus);
  auto dash = s.find('-');
  std::string_view core = s.substr(0, dash);
  if (dash != std::string_view::npos) {
    auto pre = Version::parse("0.0.0-" + std::string(s.substr(dash + 1)));
    if (!pre) return bad_range(whole, "bad pre-release '" + std::string(s.substr(dash + 1)) + "'");
    p.prerelease = pre->prerelease;
  }
  auto parts = split(core, '.');
  if (parts.size() > 3) return bad_range(whole, "too many parts in '" + std::string(s) + "'");
  std::optional<long>* slots[] = {&p.major, &p.minor, &p.patch};
  bool wild = false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto part = parts[i];
    if (part == "x" || part == "X" || part == "*") {
      wild = true;
      continue;
    }
    if (wild) return bad_range(whole, "a number after a wildcard in '" + std::string(s) + "'");
    auto n = number(part);
    if (!n) return bad_range(whole, "'" + std::string(part) + "' is not a version number");
    *slots[i] = *n;
  }
  if (!p.prerelease.empty() && !p.patch) return bad_range(whole, "a pre-release needs a full version");
  return p;
}

Version at(long a, long b, long c, std::vector<std::string> pre = {}) { return Version{a, b, c, std::move(pre)}; }

// Expands one comparator token into plain comparators.
Result<std::vector<Range::Comparator>> expand(std::string_view tok, std::string_view whole) {
  using Op = Range::Op;
  std::vector<Range::Comparator> out;
  std::string_view op;
  for (std::string_view o : {">=", "<=", ">", "<", "=", "^", "~"})
    if (tok.substr(0, o.size()) == o) {
      op = o;
      break;
    }
  auto pr = parse_partial(tok.substr(op.size()), whole);
  if (!pr) return pr.error();
  const Partial& p = *pr;
  if (!p.major) {  // "*": anything (but no pre-release, see satisfied_by)
    if (op == "<" || op == ">") out.push_back({Op::lt, at(0, 0, 0)});  // matches nothing
    else out.push_back({Op::ge, at(0, 0, 0)});
    return out;
  }
  const long M = *p.major, m = p.minor.value_or(0), pa = p.patch.value_or(0);
  const Version low = at(M, m, pa, p.prerelease);
  if (op == "^") {
    Version high = M > 0 ? at(M + 1, 0, 0) : !p.minor ? at(1, 0, 0) : m > 0 || !p.patch ? at(0, m + 1, 0) : at(0, 0, pa + 1);
    out.push_back({Op::ge, low});
    out.push_back({Op::lt, high});
  } else if (op == "~") {
    out.push_back({Op::ge, low});
    out.push_back({Op::lt, p.minor ? at(M, m + 1, 0) : at(M + 1, 0, 0)});
  } else if (op.empty() || op == "=") {
    if (p.patch) {
      out.push_back({Op::eq, low});
    } else {  // "1.2" means 1.2.x; "1" means 1.x
      out.push_back({Op::ge, low});
      out.push_back({Op::lt, p.minor ? at(M, m + 1, 0) : at(M + 1, 0, 0)});
    }
  } else if (op == ">=") {
    out.push_back({Op::ge, low});
  } else if (op == "<") {
    out.push_back({Op::lt, low});
  } else if (op == ">") {
    // ">1.2" means above every 1.2.x
    out.push_back(p.patch ? Range::Comparator{Op::gt, low} : Range::Comparator{Op::ge, p.minor ? at(M, m + 1, 0) : at(M + 1, 0, 0)});
  } else if (op == "<=") {
    out.push_back(p.patch ? Range::Comparator{Op::le, low} : Range::Comparator{Op::lt, p.minor ? at(M, m + 1, 0) : at(M + 1, 0, 0)});
  }
  return out;
}

bool test(const Range::Comparator& c, const Version& v) {
  int r = compare(v, c.version);
  switch (c.op) {
    case Range::Op::lt: return r < 0;
    case Range::Op::le: return r <= 0;
    case Range::Op::gt: return r > 0;
    case Range::Op::ge: return r >= 0;
    case Range::Op::eq: return r == 0;
  }
  return false;
}

}  // namespace

Result<Version> Version::parse(std::string_view text) {
  std::string_view s = text;
  if (s.empty() || s.size() > 256) return bad_version(text, "empty or too long");
  if (s.front() == 'v') s.remove_prefix(1);
  auto plus = s.find('+');
  if (plus != std::string_view::npos) {
    for (auto id : split(s.substr(plus + 1), '.'))
      if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }))
        return bad_version(text, "bad build metadata");
    s = s.substr(0, plus);
  }
  auto dash = s.find('-');
  auto parts = split(s.substr(0, dash), '.');
  if (parts.size() != 3) return bad_version(text, "it needs MAJOR.MINOR.PATCH");
  Version v;
  long* slots[] = {&v.major, &v.minor, &v.patch};
  for (int i = 0; i < 3; ++i) {
    auto n = number(parts[static_cast<std::size_t>(i)]);
    if (!n) return bad_version(text, "'" + std::string(parts[static_cast<std::size_t>(i)]) + "' is not a number without leading zeros");
    *slots[i] = *n;
  }
  if (dash != std::string_view::npos) {
    for (auto id : split(s.substr(dash + 1), '.')) {
      if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }))
        return bad_version(text, "bad pre-release identifier");
      if (numeric(id) && id.size() > 1 && id[0] == '0') return bad_version(text, "a numeric pre-release identifier has a leading zero");
      v.prerelease.emplace_back(id);
    }
  }
  return v;
}

std::string Version::to_string() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  for (std::size_t i = 0; i < prerelease.size(); ++i) s += (i ? "." : "-") + prerelease[i];
  return s;
}

int compare(const Version& a, const Version& b) {
  for (auto [x, y] : {std::pair{a.major, b.major}, std::pair{a.minor, b.minor}, std::pair{a.patch, b.patch}})
    if (x != y) return x < y ? -1 : 1;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    if (a.prerelease.empty() == b.prerelease.empty()) return 0;
    return a.prerelease.empty() ? 1 : -1;  // a release outranks its pre-releases
  }
  for (std::size_t i = 0; i < std::min(a.prerelease.size(), b.prerelease.size()); ++i) {
    const auto &x = a.prerelease[i], &y = b.prerelease[i];
    if (x == y) continue;
    const bool xn = numeric(x), yn = numeric(y);
    if (xn && yn) return x.size() != y.size() ? (x.size() < y.size() ? -1 : 1) : (x < y ? -1 : 1);
    if (xn != yn) return xn ? -1 : 1;  // numbers before words
    return x < y ? -1 : 1;
  }
  if (a.prerelease.size() == b.prerelease.size()) return 0;
  return a.prerelease.size() < b.prerelease.size() ? -1 : 1;
}

Result<Range> Range::parse(std::string_view text) {
  if (text.size() > 512) return bad_range(text, "too long");
  Range r;
  r.text_ = std::string(text);
  std::string normalized(text);
  // Join operators to their versions: ">= 1.2" is ">=1.2".
  for (std::string_view op : {">=", "<=", ">", "<", "=", "^", "~"}) {
    std::string pattern = std::string(op) + " ";
    for (auto p = normalized.find(pattern); p != std::string::npos; p = normalized.find(pattern, p)) {
      normalized.erase(p + op.size(), 1);
    }
  }
  std::string_view rest = normalized;
  for (;;) {
    auto bar = rest.find("||");
    std::string_view set = rest.substr(0, bar);
    std::vector<Comparator> comparators;
    std::size_t i = 0;
    while (i < set.size()) {
      while (i < set.size() && set[i] == ' ') ++i;
      std::size_t j = i;
      while (j < set.size() && set[j] != ' ') ++j;
      if (j > i) {
        auto tok = set.substr(i, j - i);
        if (j + 2 < set.size() && set.substr(j, 3) == " - ")
          return bad_range(text, "hyphen ranges are not supported; write >=A <=B");
        auto expanded = expand(tok, text);
        if (!expanded) return expanded.error();
        comparators.insert(comparators.end(), expanded->begin(), expanded->end());
      }
      i = j;
    }
    if (comparators.empty()) {
      if (bar == std::string_view::npos && r.sets_.empty() && set.find_first_not_of(' ') == std::string_view::npos)
        comparators.push_back({Op::ge, Version{}});  // "" means any
      else
        return bad_range(text, "an empty alternative");
    }
    r.sets_.push_back(std::move(comparators));
    if (bar == std::string_view::npos) break;
    rest = rest.substr(bar + 2);
  }
  return r;
}

bool Range::satisfied_by(const Version& v) const {
  for (const auto& set : sets_) {
    bool all = std::all_of(set.begin(), set.end(), [&](const Comparator& c) { return test(c, v); });
    if (!all) continue;
    if (v.prerelease.empty()) return true;
    // A pre-release only where the range itself names one of the same release.
    for (const auto& c : set)
      if (!c.version.prerelease.empty() && c.version.major == v.major && c.version.minor == v.minor &&
          c.version.patch == v.patch)
        return true;
  }
  return false;
}

std::optional<Version> max_satisfying(const std::vector<Version>& versions, const Range& range) {
  std::optional<Version> best;
  for (const auto& v : versions)
    if (range.satisfied_by(v) && (!best || *best < v)) best = v;
  return best;
}

}  // namespace krilin::kernel::registry
