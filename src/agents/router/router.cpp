#include "agents/router/router.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "agents/router/slots.h"
#include "http/schema.h"

namespace krilin::agents {
namespace {

using namespace router;

enum class SlotType { number, date, time, text, name };

// ---- matching -------------------------------------------------------------------------
// Words a pattern must explain when the message holds them: skipping one could flip the
// meaning ("i did not run", "why…", "tomorrow").
bool is_critical(std::string_view w) {
  static const std::set<std::string, std::less<>> c{
      "not", "no", "never", "without", "nothing", "why", "how", "should", "would", "could", "can", "when",
      "where", "who", "if", "whether", "tomorrow", "yesterday", "ago", "delete", "undo", "remove", "cancel",
      "stop", "archive", "or", "but", "instead", "every", "each", "last", "next", "once", "twice", "thrice"};
  return c.contains(w) || (!w.empty() && w[0] >= '0' && w[0] <= '9');
}

struct SlotSpec {
  std::string name, param, source, as, default_value, default_unit, example;
  SlotType type = SlotType::text;
  json::object where;
  std::vector<std::pair<std::string, double>> units;  // canonical unit → factor into the param
  Direction direction = Direction::past;
  std::size_t max_words = 6;
  bool integer = false;  // the param is a JSON integer
};

// One step of a pattern variant: a word (any of `words`) or a slot; optional steps may be
// left out at no cost.
struct Element {
  bool is_slot = false;
  std::vector<std::string> words;
  std::size_t slot = 0;  // index into Action::slots
  bool optional = false;
};

using Variant = std::vector<Element>;

struct Intent {
  std::string pattern;
  std::vector<Variant> variants;
  json::object params;  // fixed params the intent adds
  json::value reply;    // null: the action's
  std::string example;
};

struct Action {
  std::string name, description;
  const kernel::registry::ActionDef* def = nullptr;
  std::vector<SlotSpec> slots;
  std::vector<Intent> intents;
  json::value reply;
};

struct AppIntents {
  std::vector<Action> actions;
  std::vector<NameSource> sources;
};

std::string str(const json::object& o, std::string_view key, std::string fallback = "") {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : fallback;
}

// ---- patterns -------------------------------------------------------------------------
// pattern := alts; alts := seq ('|' seq)*; seq := (words | '{' slot '}' | '[' alts ']' | '(' alts ')')*
// Each pattern expands into its concrete variants (at most kMaxVariants).
constexpr std::size_t kMaxVariants = 512;

struct PatternParser {
  std::string_view text;
  std::size_t pos = 0;
  const std::vector<SlotSpec>& slots;
  bool ok = true;

  static std::vector<Variant> product(const std::vector<Variant>& a, const std::vector<Variant>& b) {
    std::vector<Variant> out;
    for (const auto& x : a)
      for (const auto& y : b) {
        if (out.size() >= kMaxVariants) return out;
        Variant v = x;
        v.insert(v.end(), y.begin(), y.end());
        out.push_back(std::move(v));
      }
    return out;
  }

  std::vector<Variant> alts() {
    std::vector<Variant> out = seq();
    while (pos < text.size() && text[pos] == '|') {
      ++pos;
      auto more = seq();
      out.insert(out.end(), more.begin(), more.end());
    }
    return out;
  }

  std::vector<Variant> seq() {
    std::vector<Variant> acc{Variant{}};
    std::string words;
    auto flush = [&] {
      if (words.empty()) return;
      Variant v;
      for (auto& t : tokenize(words)) v.push_back({false, {t.word}, 0, false});
      acc = product(acc, {v});
      words.clear();
    };
    while (pos < text.size() && ok) {
      const char c = text[pos];
      if (c == '|' || c == ']' || c == ')') break;
      if (c == '{') {
        flush();
        const auto end = text.find('}', pos);
        if (end == std::string_view::npos) {
          ok = false;
          break;
        }
        const std::string name(text.substr(pos + 1, end - pos - 1));
        pos = end + 1;
        auto it = std::find_if(slots.begin(), slots.end(), [&](const SlotSpec& s) { return s.name == name; });
        if (it == slots.end()) {
          ok = false;
          break;
        }
        acc = product(acc, {Variant{{true, {}, static_cast<std::size_t>(it - slots.begin()), false}}});
      } else if (c == '[' || c == '(') {
        flush();
        ++pos;
        auto inner = alts();
        const char close = c == '[' ? ']' : ')';
        if (pos >= text.size() || text[pos] != close) {
          ok = false;
          break;
        }
        ++pos;
        // A group of single words, or one slot, stays one element; others expand.
        const bool single = !inner.empty() && std::all_of(inner.begin(), inner.end(), [](const Variant& v) {
          return v.size() == 1 && !v[0].is_slot;
        });
        if (single) {
          Element e{false, {}, 0, c == '['};
          for (const auto& v : inner) {
            e.words.insert(e.words.end(), v[0].words.begin(), v[0].words.end());
            e.optional = e.optional || v[0].optional;
          }
          acc = product(acc, {Variant{e}});
        } else if (inner.size() == 1 && inner[0].size() == 1 && inner[0][0].is_slot) {
          Element e = inner[0][0];
          e.optional = e.optional || c == '[';
          acc = product(acc, {Variant{e}});
        } else {
          if (c == '[') inner.insert(inner.begin(), Variant{});
          acc = product(acc, inner);
        }
      } else {
        words.push_back(c);
        ++pos;
      }
    }
    flush();
    return acc;
  }
};

std::vector<Variant> expand_pattern(std::string_view text, const std::vector<SlotSpec>& slots) {
  PatternParser p{text, 0, slots};
  auto out = p.alts();
  if (!p.ok || p.pos != text.size()) return {};
  // A variant needs a word it always matches, or two slots it always fills: a message is
  // never routed on one slot alone.
  std::erase_if(out, [](const Variant& v) {
    const auto words = std::count_if(v.begin(), v.end(), [](const Element& e) { return !e.is_slot && !e.optional; });
    const auto slots = std::count_if(v.begin(), v.end(), [](const Element& e) { return e.is_slot && !e.optional; });
    return words == 0 && slots < 2;
  });
  return out;
}

SlotSpec slot_of(const std::string& name, const json::object& d, const json::value& params_schema) {
  SlotSpec s;
  s.name = name;
  const std::string type = str(d, "type");
  s.type = type == "number" ? SlotType::number
           : type == "date" ? SlotType::date
           : type == "time" ? SlotType::time
           : type == "name" ? SlotType::name
                            : SlotType::text;
  s.param = str(d, "param", name);
  s.source = str(d, "source");
  s.as = str(d, "as", "value");
  s.default_value = str(d, "default");
  s.default_unit = str(d, "default_unit");
  s.example = str(d, "example");
  if (const json::value* w = d.if_contains("where"); w && w->is_object()) s.where = w->as_object();
  if (const json::value* u = d.if_contains("units"); u && u->is_object())
    for (const auto& [unit, factor] : u->as_object())
      s.units.emplace_back(std::string(unit), factor.is_number() ? factor.to_number<double>() : 1.0);
  s.direction = str(d, "direction") == "future" ? Direction::future : Direction::past;
  s.max_words = s.type == SlotType::text ? 10 : s.type == SlotType::name ? 5 : 5;
  if (const json::value* m = d.if_contains("max_words"); m && m->is_int64())
    s.max_words = static_cast<std::size_t>(std::clamp<std::int64_t>(m->as_int64(), 1, 12));
  if (params_schema.is_object())
    if (const json::value* props = params_schema.as_object().if_contains("properties"); props && props->is_object())
      if (const json::value* p = props->as_object().if_contains(s.param); p && p->is_object())
        s.integer = str(p->as_object(), "type") == "integer";
  return s;
}

AppIntents compile_app(const kernel::registry::AppSpec& app) {
  AppIntents out;
  std::set<std::string> seen_sources;
  const json::value* actions = app.manifest.is_object() ? app.manifest.as_object().if_contains("actions") : nullptr;
  if (!actions || !actions->is_object()) return out;
  for (const auto& [name, def_value] : actions->as_object()) {
    const json::object& d = def_value.as_object();
    const json::value* intents = d.if_contains("intents");
    if (!intents || !intents->is_array() || intents->as_array().empty()) continue;
    auto def = app.actions.find(std::string(name));
    if (def == app.actions.end()) continue;
    Action a;
    a.name = std::string(name);
    a.description = str(d, "description");
    a.def = &def->second;
    if (const json::value* r = d.if_contains("reply")) a.reply = *r;
    if (const json::value* slots = d.if_contains("slots"); slots && slots->is_object())
      for (const auto& [slot, sd] : slots->as_object())
        if (sd.is_object()) a.slots.push_back(slot_of(std::string(slot), sd.as_object(), a.def->params_schema));
    for (const auto& s : a.slots)
      if (s.type == SlotType::name && !s.source.empty() && seen_sources.insert(s.source).second) {
        const auto dot = s.source.find('.');
        out.sources.push_back({s.source, s.source.substr(0, dot), dot == std::string::npos ? "" : s.source.substr(dot + 1), s.where});
      }
    for (const auto& i : intents->as_array()) {
      Intent in;
      if (i.is_string()) {
        in.pattern = std::string(i.as_string());
      } else if (i.is_object()) {
        in.pattern = str(i.as_object(), "pattern");
        in.example = str(i.as_object(), "example");
        if (const json::value* p = i.as_object().if_contains("params"); p && p->is_object()) in.params = p->as_object();
        if (const json::value* r = i.as_object().if_contains("reply")) in.reply = *r;
      }
      in.variants = expand_pattern(in.pattern, a.slots);
      if (!in.variants.empty()) a.intents.push_back(std::move(in));
    }
    if (!a.intents.empty()) out.actions.push_back(std::move(a));
  }
  return out;
}

double weight(const Token& t) { return is_light(t.word) ? 0.3 : 1.0; }

struct Binding {
  std::size_t slot = 0, from = 0, to = 0;
  json::value value;
  std::string display;
  double quality = 1;
};

struct Path {
  double explained = 0;
  int literals = 0;
  double min_name = 1;
  std::vector<Binding> bindings;
};

struct SlotParse {
  json::value value;
  std::string display;
  double quality = 1;
};

std::string original_words(std::span<const Token> t) {
  std::string out;
  for (const auto& x : t) out += (out.empty() ? "" : " ") + x.original;
  return out;
}

std::string format_number(double v) {
  if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::optional<SlotParse> parse_slot(const SlotSpec& s, std::span<const Token> t, const RouteContext& ctx, Date today) {
  switch (s.type) {
    case SlotType::name: {
      auto it = ctx.records.find(s.source);
      if (it == ctx.records.end()) return std::nullopt;
      auto m = match_name(t, it->second);
      if (!m.record) return std::nullopt;
      return SlotParse{json::value(m.record->id), m.record->name, m.quality};
    }
    case SlotType::date: {
      auto d = parse_date(t, today, s.direction);
      if (!d) return std::nullopt;
      // A slot that looks back refuses days to come, and the other way round.
      if (s.direction == Direction::past ? *d > today : *d < today) return std::nullopt;
      return SlotParse{json::value(format_date(*d)), describe_date(*d, today), 1};
    }
    case SlotType::time: {
      auto tv = parse_time(t);
      if (!tv) return std::nullopt;
      return SlotParse{json::value(format_time(*tv)), describe_time(*tv), 1};
    }
    case SlotType::number: {
      std::vector<std::string> accepted;
      for (const auto& [u, f] : s.units) accepted.push_back(u);
      auto n = parse_number(t, accepted);
      if (!n) return std::nullopt;
      double factor = 1;
      if (n->unit.empty() || (n->unit == "time" && std::none_of(s.units.begin(), s.units.end(), [](auto& u) { return u.first == "time"; }))) {
        if (!s.units.empty() && s.default_unit.empty()) return std::nullopt;
        for (const auto& [u, f] : s.units)
          if (u == s.default_unit) factor = f;
      } else {
        for (const auto& [u, f] : s.units)
          if (u == n->unit) factor = f;
      }
      const std::string words = original_words(t);
      if (s.as == "text") return SlotParse{json::value(words), words, 1};
      const double v = n->value * factor;
      if (s.integer) {
        if (v != std::floor(v) || std::abs(v) > 1e12) return std::nullopt;
        return SlotParse{json::value(static_cast<std::int64_t>(v)), words, 1};
      }
      return SlotParse{json::value(v), words, 1};
    }
    case SlotType::text: {
      // Free text: not only small words, and it must not swallow a critical word.
      bool content = false;
      for (const auto& x : t) {
        content = content || !is_light(x.word);
        if (is_critical(x.word) && !(x.word[0] >= '0' && x.word[0] <= '9')) return std::nullopt;
      }
      if (!content) return std::nullopt;
      // A name does not start with a joining word: "a habit for flossing" names "Flossing".
      static const std::set<std::string, std::less<>> joins{"for", "to", "of", "called", "named", "about", "that",
                                                            "which", "is", "are", "as", "on", "at", "in", "with", "and"};
      if (joins.contains(t.front().word)) return std::nullopt;
      std::string words = original_words(t);
      if (!words.empty() && words[0] >= 'a' && words[0] <= 'z') words[0] = static_cast<char>(words[0] - 'a' + 'A');
      return SlotParse{json::value(words), words, 0.9};
    }
  }
  return std::nullopt;
}

// Best alignment of one variant with the message: every element in order, message words
// skipped (unexplained) where needed, critical words never skipped.
class Aligner {
 public:
  Aligner(const Variant& v, const Action& a, const std::vector<Token>& t, const RouteContext& ctx, Date today)
      : v_(v), a_(a), t_(t), ctx_(ctx), today_(today),
        memo_((v.size() + 1) * (t.size() + 1)), done_((v.size() + 1) * (t.size() + 1), false) {}

  std::optional<Path> best(std::size_t i = 0, std::size_t j = 0) {
    const std::size_t key = i * (t_.size() + 1) + j;
    if (done_[key]) return memo_[key];
    done_[key] = true;
    std::optional<Path> out;
    auto consider = [&](std::optional<Path> p) {
      if (p && (!out || p->explained > out->explained + 1e-9 ||
                (std::abs(p->explained - out->explained) < 1e-9 && p->literals > out->literals)))
        out = std::move(p);
    };
    if (i == v_.size()) {
      Path p;
      for (std::size_t k = j; k < t_.size(); ++k)
        if (is_critical(t_[k].word)) return memo_[key] = std::nullopt;
      return memo_[key] = p;
    }
    // Skip a word of the message.
    if (j < t_.size() && !is_critical(t_[j].word)) consider(best(i, j + 1));
    const Element& e = v_[i];
    if (e.optional) consider(best(i + 1, j));
    if (!e.is_slot) {
      if (j < t_.size()) {
        double q = 0;
        bool light = true;
        for (const auto& w : e.words) {
          if (t_[j].word == w) {
            q = 1;
            light = is_light(w);
            break;
          }
          if (w.size() >= 5 && t_[j].word.size() >= 4 && edit_distance(t_[j].word, w, 1) <= 1 &&
              !(t_[j].word[0] >= '0' && t_[j].word[0] <= '9')) {
            q = 0.8;  // a typo ("remnd", "habbits")
            light = is_light(w);
          }
        }
        if (q > 0)
          if (auto rest = best(i + 1, j + 1)) {
            rest->explained += q * weight(t_[j]);
            if (!light) ++rest->literals;
            consider(std::move(rest));
          }
      }
    } else {
      const SlotSpec& s = a_.slots[e.slot];
      for (std::size_t len = 1; len <= s.max_words && j + len <= t_.size(); ++len) {
        auto parsed = parse_slot(s, std::span<const Token>(t_.data() + j, len), ctx_, today_);
        if (!parsed) continue;
        auto rest = best(i + 1, j + len);
        if (!rest) continue;
        double w = 0;
        for (std::size_t k = j; k < j + len; ++k) w += weight(t_[k]);
        rest->explained += parsed->quality * w;
        if (s.type == SlotType::name) rest->min_name = std::min(rest->min_name, parsed->quality);
        rest->bindings.push_back({e.slot, j, j + len, std::move(parsed->value), std::move(parsed->display), parsed->quality});
        consider(std::move(rest));
      }
    }
    return memo_[key] = out;
  }

 private:
  const Variant& v_;
  const Action& a_;
  const std::vector<Token>& t_;
  const RouteContext& ctx_;
  Date today_;
  std::vector<std::optional<Path>> memo_;
  std::vector<bool> done_;
};

struct Candidate {
  IntentMatch match;
  int literals = 0;
};

// ---- replies --------------------------------------------------------------------------
// A value of the result (or of the match) by a dotted path: "result.streak.current",
// "result.habits[].name" (a list of each element's name).
json::value lookup(const json::value& root, std::string_view path) {
  std::vector<json::value> current{root};
  bool list = false;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const auto dot = path.find('.', pos);
    std::string seg(path.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos));
    pos = dot == std::string_view::npos ? path.size() + 1 : dot + 1;
    bool each = seg.size() > 2 && seg.ends_with("[]");
    if (each) seg.resize(seg.size() - 2);
    std::vector<json::value> next;
    for (const auto& v : current) {
      const json::value* x = v.is_object() ? v.as_object().if_contains(seg) : nullptr;
      if (!x) {
        if (!list) return nullptr;
        continue;
      }
      if (each && x->is_array())
        for (const auto& item : x->as_array()) next.push_back(item);
      else next.push_back(*x);
    }
    list = list || each;
    current = std::move(next);
  }
  if (list) return json::value(json::array(current.begin(), current.end()));
  return current.empty() ? json::value(nullptr) : current.front();
}

bool truthy(const json::value& v) {
  if (v.is_null()) return false;
  if (v.is_bool()) return v.as_bool();
  if (v.is_number()) return v.to_number<double>() != 0;
  if (v.is_string()) return !v.as_string().empty();
  if (v.is_array()) return !v.as_array().empty();
  return true;
}

std::string text_of(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  if (v.is_double()) return format_number(v.as_double());
  if (v.is_bool()) return v.as_bool() ? "yes" : "no";
  if (v.is_null()) return "";
  if (v.is_array()) {
    std::vector<std::string> items;
    for (const auto& x : v.as_array()) items.push_back(x.is_null() ? "\u2013" : text_of(x));
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i)
      out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return out;
  }
  return json::serialize(v);
}

std::string apply_filter(const json::value& v, std::string_view filter) {
  const auto colon = filter.find(':');
  const std::string_view name = filter.substr(0, colon);
  const std::string_view arg = colon == std::string_view::npos ? std::string_view() : filter.substr(colon + 1);
  if (name == "plural") {  // {n|plural:day} → "1 day", "4 days"; {n|plural:entry:entries}
    const auto c2 = arg.find(':');
    const std::string one(arg.substr(0, c2));
    const std::string many = c2 == std::string_view::npos ? one + "s" : std::string(arg.substr(c2 + 1));
    const double n = v.is_number() ? v.to_number<double>() : 0;
    return text_of(v) + " " + (n == 1 ? one : many);
  }
  if (name == "percent") return v.is_number() ? format_number(std::round(v.to_number<double>() * 100)) + "%" : "";
  if (name == "count") return std::to_string(v.is_array() ? v.as_array().size() : 0);
  if (name == "or") return truthy(v) ? text_of(v) : std::string(arg);  // {x|or:none}
  if (name == "lower") {
    std::string s = text_of(v);
    for (auto& ch : s) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    return s;
  }
  return text_of(v);
}

std::string render(std::string_view tmpl, const IntentMatch& m, const json::value& result) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size();) {
    if (tmpl[i] != '{') {
      out.push_back(tmpl[i++]);
      continue;
    }
    const auto end = tmpl.find('}', i);
    if (end == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    std::string_view expr = tmpl.substr(i + 1, end - i - 1);
    i = end + 1;
    std::vector<std::string_view> parts;
    for (std::size_t p = 0;;) {
      const auto bar = expr.find('|', p);
      parts.push_back(expr.substr(p, bar == std::string_view::npos ? std::string_view::npos : bar - p));
      if (bar == std::string_view::npos) break;
      p = bar + 1;
    }
    const std::string_view path = parts[0];
    json::value v;
    if (path.starts_with("result")) {
      v = path == "result" ? result : lookup(json::object{{"result", result}}, path);
    } else if (auto d = m.display.find(std::string(path)); d != m.display.end()) {
      v = json::value(d->second);
    } else if (auto s = m.slots.find(std::string(path)); s != m.slots.end()) {
      v = json::value(s->second);
    } else if (auto p = m.params.if_contains(path)) {
      v = *p;
    }
    if (parts.size() == 1) {
      out += text_of(v);
      continue;
    }
    // Filters apply left to right; all but the last keep the value.
    for (std::size_t k = 1; k + 1 < parts.size(); ++k)
      if (parts[k].starts_with("or:") && !truthy(v)) v = json::value(std::string(parts[k].substr(3)));
    out += apply_filter(v, parts.back());
  }
  return out;
}

// A reply spec is a template string, or a list of {"if"?: path, "text": template}: the
// first whose condition holds ("!path" negates) is used.
std::optional<std::string> pick_template(const json::value& spec, const IntentMatch& m, const json::value& result) {
  if (spec.is_string()) return std::string(spec.as_string());
  if (!spec.is_array()) return std::nullopt;
  for (const auto& alt : spec.as_array()) {
    if (alt.is_string()) return std::string(alt.as_string());
    if (!alt.is_object()) continue;
    const std::string cond = str(alt.as_object(), "if");
    const std::string text = str(alt.as_object(), "text");
    if (cond.empty()) return text;
    const bool negate = cond[0] == '!';
    const std::string path = negate ? cond.substr(1) : cond;
    json::value v = path.starts_with("result") ? lookup(json::object{{"result", result}}, path)
                                               : (m.display.contains(path) ? json::value(m.display.at(path)) : json::value(nullptr));
    if (truthy(v) != negate) return text;
  }
  return std::nullopt;
}

std::string example_of(const Action& a, const Intent& in) {
  if (!in.example.empty()) return in.example;
  const Variant* shortest = &in.variants.front();
  for (const auto& v : in.variants)
    if (v.size() < shortest->size()) shortest = &v;
  std::string out;
  for (const auto& e : *shortest) {
    const SlotSpec* s = e.is_slot ? &a.slots[e.slot] : nullptr;
    if (e.optional) continue;
    const std::string w = s ? (s->example.empty() ? "<" + s->name + ">" : s->example) : e.words.front();
    out += (out.empty() ? "" : " ") + w;
  }
  return out;
}

}  // namespace

struct IntentRouter::Impl {
  std::map<std::string, AppIntents> apps;
};

IntentRouter::IntentRouter(const kernel::registry::Catalog& catalog) {
  auto impl = std::make_shared<Impl>();
  for (const auto& app : catalog.apps()) impl->apps.emplace(app.id, compile_app(app));
  impl_ = std::move(impl);
}

std::vector<std::string> IntentRouter::name_sources(const std::string& app_id) const {
  std::vector<std::string> out;
  for (const auto& s : name_source_queries(app_id)) out.push_back(s.key);
  return out;
}

std::vector<NameSource> IntentRouter::name_source_queries(const std::string& app_id) const {
  auto it = impl_->apps.find(app_id);
  return it == impl_->apps.end() ? std::vector<NameSource>{} : it->second.sources;
}

std::optional<IntentMatch> IntentRouter::match(const std::string& app_id, const std::string& message,
                                               const RouteContext& context) const {
  auto app = impl_->apps.find(app_id);
  if (app == impl_->apps.end() || message.size() > kMaxMessageBytes) return std::nullopt;
  const std::vector<Token> tokens = tokenize(message);
  if (tokens.empty() || tokens.size() > kMaxMessageWords) return std::nullopt;
  const Date today = local_date(context.now_ms, context.time_zone).value_or(*local_date(context.now_ms, "UTC"));
  double total = 0;
  for (const auto& t : tokens) total += weight(t);

  std::vector<Candidate> candidates;
  for (const auto& a : app->second.actions)
    for (const auto& in : a.intents) {
      std::optional<Candidate> best_here;
      for (const auto& v : in.variants) {
        Aligner aligner(v, a, tokens, context, today);
        auto path = aligner.best();
        if (!path) continue;
        const double confidence = std::min(1.0, path->explained / total) * path->min_name;
        if (confidence < kConfidenceThreshold) continue;
        if (best_here && (confidence < best_here->match.confidence ||
                          (confidence == best_here->match.confidence && path->literals <= best_here->literals)))
          continue;
        IntentMatch m;
        m.action = a.name;
        m.params = in.params;
        m.confidence = confidence;
        m.pattern = in.pattern;
        std::set<std::size_t> bound;
        for (const auto& b : path->bindings) {
          const SlotSpec& s = a.slots[b.slot];
          bound.insert(b.slot);
          m.params[s.param] = b.value;
          m.slots[s.name] = original_words(std::span<const Token>(tokens.data() + b.from, b.to - b.from));
          m.display[s.name] = b.display;
        }
        // Defaults of slots the message left out ("today" for a date).
        bool ok = true;
        for (std::size_t k = 0; k < a.slots.size(); ++k) {
          const SlotSpec& s = a.slots[k];
          if (bound.contains(k) || s.default_value.empty() || m.params.contains(s.param)) continue;
          std::vector<Token> words = tokenize(s.default_value, false);
          auto parsed = parse_slot(s, words, context, today);
          if (!parsed) {
            ok = false;
            break;
          }
          m.params[s.param] = parsed->value;
          m.display[s.name] = parsed->display;
        }
        if (!ok || !a.def->params->validate(m.params)) continue;
        best_here = Candidate{std::move(m), path->literals};
      }
      if (best_here) candidates.push_back(std::move(*best_here));
    }
  if (candidates.empty()) return std::nullopt;
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    if (x.match.confidence != y.match.confidence) return x.match.confidence > y.match.confidence;
    return x.literals > y.literals;
  });
  const Candidate& top = candidates.front();
  for (std::size_t k = 1; k < candidates.size(); ++k) {
    const Candidate& c = candidates[k];
    if (top.match.confidence - c.match.confidence >= kAmbiguityMargin) break;
    const bool same = c.match.action == top.match.action && c.match.params == top.match.params;
    if (!same && c.literals == top.literals) return std::nullopt;  // two readings, equally good
  }
  return top.match;
}

std::string IntentRouter::reply(const std::string& app_id, const IntentMatch& match, const json::value& result) const {
  auto app = impl_->apps.find(app_id);
  const Action* action = nullptr;
  const Intent* intent = nullptr;
  if (app != impl_->apps.end())
    for (const auto& a : app->second.actions)
      if (a.name == match.action) {
        action = &a;
        for (const auto& in : a.intents)
          if (in.pattern == match.pattern) intent = &in;
      }
  if (!action) return "Done.";
  std::optional<std::string> tmpl;
  if (intent && !intent->reply.is_null()) tmpl = pick_template(intent->reply, match, result);
  if (!tmpl && !action->reply.is_null()) tmpl = pick_template(action->reply, match, result);
  if (tmpl) return render(*tmpl, match, result);
  std::string d = action->description;
  return "Done: " + d;
}

std::vector<std::string> IntentRouter::capabilities(const std::string& app_id) const {
  std::vector<std::string> out;
  auto app = impl_->apps.find(app_id);
  if (app == impl_->apps.end()) return out;
  for (const auto& a : app->second.actions) {
    std::string d = a.description;
    if (!d.empty() && d.back() == '.') d.pop_back();
    out.push_back(d + " — e.g. \u201c" + example_of(a, a.intents.front()) + "\u201d");
  }
  return out;
}

std::string IntentRouter::fallback(const std::string& app_id) const {
  auto caps = capabilities(app_id);
  if (caps.empty()) return "I can't do that without an AI model, and this app has nothing I can do without one.";
  std::string out = "I can't do that without an AI model. Here is what I can do:";
  for (const auto& c : caps) out += "\n- " + c;
  return out;
}

}  // namespace krilin::agents
