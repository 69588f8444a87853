#include "agents/providers/pricing.h"

#include <cmath>

namespace krilin::agents {
namespace {

// Anthropic's published prices in US dollars per million tokens (docs.anthropic.com, model
// pricing, as of late 2025): base input and output; cache writes (5 min) 1.25× input, cache
// reads 0.1× input.
struct Builtin {
  const char* model;
  double input, output;
};
constexpr Builtin kBuiltin[] = {
    {"claude-opus-4-5", 5, 25},     {"claude-opus-4-1", 15, 75},  {"claude-opus-4", 15, 75},
    {"claude-sonnet-4-5", 3, 15},   {"claude-sonnet-4", 3, 15},   {"claude-3-7-sonnet", 3, 15},
    {"claude-haiku-4-5", 1, 5},     {"claude-3-5-haiku", 0.8, 4}, {"claude-3-haiku", 0.25, 1.25},
};

Price of(double input, double output) { return Price{input, output, input * 1.25, input * 0.1}; }

Error bad(const std::string& why) {
  return Error::invalid("invalid_agent_prices", "agent_prices is not valid: " + why + ".");
}

// "-20250929" or "@20250929": a dated snapshot of the model (not "-8": claude-opus-4-8 is
// another model than claude-opus-4).
bool dated_suffix(std::string_view rest) {
  if (rest.size() != 9 || (rest.front() != '-' && rest.front() != '@')) return false;  // -YYYYMMDD
  for (char c : rest.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

// Micro-dollars per million tokens, as an integer (so that 10 tokens at $0.1 cost exactly 1).
std::int64_t micro(double dollars_per_mtok) { return std::llround(dollars_per_mtok * 1e6); }

}  // namespace

PriceTable PriceTable::builtin() {
  PriceTable t;
  for (const auto& b : kBuiltin) t.set(b.model, of(b.input, b.output));
  return t;
}

Result<PriceTable> PriceTable::with_overrides(std::string_view text) {
  PriceTable t = builtin();
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return t;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) return bad("it is not JSON (" + ec.message() + ")");
  if (!v.is_object()) return bad("it must be a JSON object of models");
  for (const auto& [model, entry] : v.as_object()) {
    const std::string m(model);
    if (!entry.is_object()) return bad("the entry of \"" + m + "\" must be an object");
    std::map<std::string, double> figures;
    for (const auto& [field, value] : entry.as_object()) {
      const std::string f(field);
      if (f != "input" && f != "output" && f != "cache_write" && f != "cache_read")
        return bad("\"" + m + "\" has an unknown field \"" + f + "\" (input, output, cache_write, cache_read)");
      if (!value.is_number()) return bad("\"" + m + "\"." + f + " must be a number");
      const double d = value.to_number<double>();
      if (!std::isfinite(d) || d < 0) return bad("\"" + m + "\"." + f + " must not be negative");
      figures[f] = d;
    }
    if (!figures.count("input") || !figures.count("output")) return bad("\"" + m + "\" needs input and output");
    Price p = of(figures["input"], figures["output"]);
    if (figures.count("cache_write")) p.cache_write = figures["cache_write"];
    if (figures.count("cache_read")) p.cache_read = figures["cache_read"];
    t.set(m, p);
  }
  return t;
}

Price PriceTable::price(std::string_view model) const {
  if (auto it = prices_.find(model); it != prices_.end()) return it->second;
  // The longest entry that, followed by a dated suffix, is the model.
  const Price* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& [name, p] : prices_) {
    if (name.size() < model.size() && model.substr(0, name.size()) == name && dated_suffix(model.substr(name.size())) &&
        name.size() > best_len) {
      best = &p;
      best_len = name.size();
    }
  }
  if (best) return *best;
  // A Claude model the table does not know yet (a newer snapshot): charge it like the
  // newest known model of its family, and an unknown family like the dearest entry, so that
  // a budget never counts a paid call as free. agent_prices gives the exact figures.
  if (model.substr(0, 7) == "claude-") {
    const auto family = [&](std::string_view f) { return model.find(f) != std::string_view::npos; };
    const std::string_view like = family("opus")     ? "claude-opus-4-5"
                                  : family("sonnet") ? "claude-sonnet-4-5"
                                  : family("haiku")  ? "claude-haiku-4-5"
                                                     : "claude-opus-4-1";
    if (auto it = prices_.find(like); it != prices_.end()) return it->second;
  }
  return Price{};
}

const std::string& ModelTiers::model_for(std::string_view tier) const {
  if (tier == "fast") return fast;
  if (tier == "best") return best;
  return balanced;
}

std::int64_t cost_micros(const Usage& u, const Price& p) {
  // tokens × (dollars per million tokens) = micro-dollars; in integers of 1e-6 µ$ then rounded up.
  const std::int64_t pico = u.input_tokens * micro(p.input) + u.output_tokens * micro(p.output) +
                            u.cache_creation_input_tokens * micro(p.cache_write) +
                            u.cache_read_input_tokens * micro(p.cache_read);
  if (pico <= 0) return 0;
  return (pico + 999999) / 1000000;
}

}  // namespace krilin::agents
