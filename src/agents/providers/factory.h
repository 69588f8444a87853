#pragma once
// make_provider: the model provider the configuration asks for — one place that reads the
// agent_provider, anthropic_* and openai_* settings and the shared deadlines.
#include <memory>

#include "agents/providers/pricing.h"
#include "agents/providers/provider.h"

namespace krilin::core {
class Config;
}

namespace krilin::agents {

// agent_provider: `anthropic` (needs anthropic_api_key), `openai` (needs openai_base_url),
// `none` → nullptr (the offline intent router only), `auto` → anthropic when its key is set,
// else openai when its base URL is set, else nullptr. The provider owns one HttpClient that
// trusts agent_ca_file besides the system's CAs. Throws krilin::Exception (invalid_input
// `invalid_config`) for an unknown agent_provider, a chosen provider without its key / URL,
// anthropic_auth other than bearer / x-api-key, or an unreadable agent_ca_file.
std::shared_ptr<Provider> make_provider(const core::Config& config);

// The price table of the configuration (built-in + agent_prices); invalid_agent_prices errors.
Result<PriceTable> make_price_table(const core::Config& config);
// agent_model_fast / _balanced / _best.
ModelTiers make_model_tiers(const core::Config& config);
// A ModelRequest's deadlines from agent_connect_timeout_ms and agent_idle_timeout_ms.
void apply_timeouts(const core::Config& config, ModelRequest& request);

}  // namespace krilin::agents
