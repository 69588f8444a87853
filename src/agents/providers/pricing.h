#pragma once
// Prices of the models and the choice of a model per tier — what an agent needs to charge a
// call (cost_micros in provider.h) and to pick a model for an app's manifest tier.
//
// PriceTable: US dollars per million tokens by model id. The built-in table holds
// Anthropic's published prices (cache write = 1.25 × input, the 5-minute ttl; cache read =
// 0.1 × input); `agent_prices` (JSON) adds models or replaces entries. A model id matches an
// entry exactly, or as the entry followed by a dated suffix ("claude-sonnet-4-5-20250929",
// "claude-sonnet-4-5@20250929"). A Claude model the table does not know (a newer release)
// costs what the newest known model of its family costs (opus → claude-opus-4-5, sonnet →
// claude-sonnet-4-5, haiku → claude-haiku-4-5; another family → claude-opus-4-1, the dearest),
// so a budget never counts it as free — configure its real price in agent_prices. Any other
// model (local ones) costs 0 unless configured.
// Immutable once built: safe to share between threads.
#include <map>
#include <string>
#include <string_view>

#include "agents/providers/provider.h"

namespace krilin::agents {

class PriceTable {
 public:
  // Anthropic's models (see pricing.cpp for the figures and their date).
  static PriceTable builtin();
  // The built-in table overlaid with `agent_prices`: {"model": {"input": 3, "output": 15,
  // "cache_write"?: 3.75, "cache_read"?: 0.3}} (cache figures default to 1.25× / 0.1× input).
  // Empty text = no overrides. Errors: invalid_input `invalid_agent_prices`, naming the model
  // and field (not JSON, not an object, a missing or negative or non-numeric price, an
  // unknown field).
  static Result<PriceTable> with_overrides(std::string_view agent_prices);

  Price price(std::string_view model) const;  // zero for an unknown model
  void set(std::string model, Price price) { prices_[std::move(model)] = price; }

 private:
  std::map<std::string, Price, std::less<>> prices_;
};

// The model names behind the manifest's tiers (agent_model_fast / _balanced / _best).
struct ModelTiers {
  std::string fast, balanced, best;
  // The model for `tier` ("fast" | "balanced" | "best"); any other tier gets `balanced`.
  const std::string& model_for(std::string_view tier) const;
};

}  // namespace krilin::agents
