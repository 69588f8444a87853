#include "agents/providers/pricing.h"

#include <gtest/gtest.h>

#include "agents/providers/factory.h"
#include "core/config.h"

namespace krilin::agents {
namespace {

TEST(Pricing, BuiltInAnthropicPricesWithCacheMultipliers) {
  auto t = PriceTable::builtin();
  auto sonnet = t.price("claude-sonnet-4-5");
  EXPECT_DOUBLE_EQ(sonnet.input, 3);
  EXPECT_DOUBLE_EQ(sonnet.output, 15);
  EXPECT_DOUBLE_EQ(sonnet.cache_write, 3.75);
  EXPECT_DOUBLE_EQ(sonnet.cache_read, 0.3);
  EXPECT_DOUBLE_EQ(t.price("claude-haiku-4-5").input, 1);
  EXPECT_DOUBLE_EQ(t.price("claude-opus-4-5").output, 25);
  // Dated snapshots take their model's price; the longest name wins.
  EXPECT_DOUBLE_EQ(t.price("claude-sonnet-4-5-20250929").input, 3);
  EXPECT_DOUBLE_EQ(t.price("claude-opus-4-1-20250805").input, 15);
  EXPECT_DOUBLE_EQ(t.price("claude-opus-4-5@20251101").input, 5);
  // Local and unknown models are free unless configured.
  EXPECT_DOUBLE_EQ(t.price("llama3.2").input, 0);
  // Newer Claude models fall back to their family's known price, never to free.
  EXPECT_DOUBLE_EQ(t.price("claude-sonnet-5").input, 3);
  EXPECT_DOUBLE_EQ(t.price("claude-opus-4-8").output, 25);
  EXPECT_DOUBLE_EQ(t.price("claude-haiku-5-5").input, 1);
  EXPECT_DOUBLE_EQ(t.price("claude-mythos-5").input, 15);
  auto configured = PriceTable::with_overrides(R"({"claude-sonnet-5": {"input": 2, "output": 10}})");
  ASSERT_TRUE(configured.ok());
  EXPECT_DOUBLE_EQ(configured->price("claude-sonnet-5").input, 2);
}

TEST(Pricing, CostIsRoundedUpAndExactForRoundFigures) {
  const Price haiku{1, 5, 1.25, 0.1};
  EXPECT_EQ(cost_micros(Usage{}, haiku), 0);
  EXPECT_EQ(cost_micros(Usage{1000000, 0, 0, 0}, haiku), 1000000);  // 1 MTok at $1 = $1
  EXPECT_EQ(cost_micros(Usage{0, 0, 0, 10}, haiku), 1);             // 10 × $0.1/MTok = exactly 1 µ$
  EXPECT_EQ(cost_micros(Usage{0, 0, 0, 11}, haiku), 2);             // 1.1 µ$ → 2
  EXPECT_EQ(cost_micros(Usage{1, 0, 0, 0}, haiku), 1);
  EXPECT_EQ(cost_micros(Usage{100, 20, 400, 3000}, haiku), 100 + 100 + 500 + 300);
  EXPECT_EQ(cost_micros(Usage{1, 1, 0, 0}, Price{}), 0);
}

TEST(Pricing, OverridesAddAndReplaceWithClearErrors) {
  auto t = PriceTable::with_overrides(R"({"llama3.2": {"input": 0.1, "output": 0.2},
                                          "claude-haiku-4-5": {"input": 2, "output": 6, "cache_read": 0.5}})");
  ASSERT_TRUE(t.ok());
  EXPECT_DOUBLE_EQ(t->price("llama3.2").output, 0.2);
  EXPECT_DOUBLE_EQ(t->price("llama3.2").cache_write, 0.125);
  EXPECT_DOUBLE_EQ(t->price("claude-haiku-4-5").input, 2);
  EXPECT_DOUBLE_EQ(t->price("claude-haiku-4-5").cache_write, 2.5);
  EXPECT_DOUBLE_EQ(t->price("claude-haiku-4-5").cache_read, 0.5);
  EXPECT_DOUBLE_EQ(t->price("claude-sonnet-4-5").input, 3);
  EXPECT_TRUE(PriceTable::with_overrides("  ").ok());
  auto message_of = [](std::string_view text) {
    auto r = PriceTable::with_overrides(text);
    EXPECT_FALSE(r.ok()) << text;
    if (r.ok()) return std::string();
    EXPECT_EQ(r.error().code, "invalid_agent_prices");
    return r.error().message;
  };
  EXPECT_NE(message_of("{").find("not JSON"), std::string::npos);
  EXPECT_NE(message_of("[]").find("object of models"), std::string::npos);
  EXPECT_NE(message_of(R"({"m": 3})").find("\"m\""), std::string::npos);
  EXPECT_NE(message_of(R"({"m": {"input": 1}})").find("needs input and output"), std::string::npos);
  EXPECT_NE(message_of(R"({"m": {"input": -1, "output": 1}})").find("\"m\".input"), std::string::npos);
  EXPECT_NE(message_of(R"({"m": {"input": "1", "output": 1}})").find("must be a number"), std::string::npos);
  EXPECT_NE(message_of(R"({"m": {"input": 1, "output": 1, "cache": 1}})").find("unknown field \"cache\""), std::string::npos);
}

TEST(Factory, ChoosesTheProviderTheConfigurationAsks) {
  using core::Config;
  EXPECT_EQ(make_provider(Config::defaults()), nullptr);  // auto with neither key nor URL
  EXPECT_EQ(make_provider(Config::defaults({{"anthropic_api_key", "k"}}))->name(), "anthropic");
  EXPECT_EQ(make_provider(Config::defaults({{"openai_base_url", "http://127.0.0.1:1/v1"}}))->name(), "openai");
  EXPECT_EQ(make_provider(Config::defaults({{"anthropic_api_key", "k"}, {"openai_base_url", "http://x/v1"}}))->name(),
            "anthropic");
  EXPECT_EQ(make_provider(Config::defaults({{"agent_provider", "openai"}, {"anthropic_api_key", "k"},
                                            {"openai_base_url", "http://x/v1"}}))->name(),
            "openai");
  EXPECT_EQ(make_provider(Config::defaults({{"agent_provider", "none"}, {"anthropic_api_key", "k"}})), nullptr);
  auto code_of = [](std::map<std::string, std::string> o) {
    try {
      make_provider(Config::defaults(o));
    } catch (const Exception& e) {
      return e.error().code;
    }
    return std::string("nothing thrown");
  };
  EXPECT_EQ(code_of({{"agent_provider", "anthropic"}}), "invalid_config");
  EXPECT_EQ(code_of({{"agent_provider", "openai"}}), "invalid_config");
  EXPECT_EQ(code_of({{"agent_provider", "gemini"}}), "invalid_config");
  EXPECT_EQ(code_of({{"anthropic_api_key", "k"}, {"anthropic_auth", "basic"}}), "invalid_config");

  auto tiers = make_model_tiers(Config::defaults({{"agent_model_fast", "small"}}));
  EXPECT_EQ(tiers.model_for("fast"), "small");
  EXPECT_EQ(tiers.model_for("balanced"), "claude-sonnet-4-5");
  EXPECT_EQ(tiers.model_for("best"), "claude-opus-4-5");
  EXPECT_EQ(tiers.model_for("weird"), "claude-sonnet-4-5");
  ModelRequest r;
  apply_timeouts(Config::defaults({{"agent_idle_timeout_ms", "1234"}}), r);
  EXPECT_EQ(r.idle_timeout.count(), 1234);
  EXPECT_EQ(r.connect_timeout.count(), 10000);
  EXPECT_FALSE(make_price_table(Config::defaults({{"agent_prices", "nope"}})).ok());
}

}  // namespace
}  // namespace krilin::agents
