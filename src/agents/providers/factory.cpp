#include "agents/providers/factory.h"

#include "agents/providers/anthropic.h"
#include "agents/providers/openai_compat.h"
#include "core/config.h"
#include "http/client.h"

namespace krilin::agents {
namespace {

[[noreturn]] void bad_config(const std::string& why) {
  throw Exception(Error::invalid("invalid_config", "The agent's provider is not configured right: " + why + "."));
}

std::shared_ptr<http::HttpClient> client_for(const core::Config& config) {
  http::HttpClient::Options o;
  o.ca_file = config.str("agent_ca_file");
  o.user_agent = "krilin-agent";
  try {
    return std::make_shared<http::HttpClient>(std::move(o));
  } catch (const std::exception& e) {
    bad_config("agent_ca_file cannot be loaded (" + std::string(e.what()) + ")");
  }
}

}  // namespace

std::shared_ptr<Provider> make_provider(const core::Config& config) {
  std::string which = config.str("agent_provider");
  const bool has_key = !config.str("anthropic_api_key").empty();
  const bool has_openai = !config.str("openai_base_url").empty();
  if (which == "auto") which = has_key ? "anthropic" : has_openai ? "openai" : "none";
  if (which == "none") return nullptr;
  if (which == "anthropic") {
    if (!has_key) bad_config("agent_provider is anthropic but anthropic_api_key is empty");
    AnthropicOptions o;
    o.api_key = config.str("anthropic_api_key");
    o.base_url = config.str("anthropic_base_url");
    o.version = config.str("anthropic_version");
    const std::string auth = config.str("anthropic_auth");
    if (auth != "bearer" && auth != "x-api-key") bad_config("anthropic_auth must be bearer or x-api-key, not \"" + auth + "\"");
    o.bearer_auth = auth == "bearer";
    return std::make_shared<AnthropicProvider>(std::move(o), client_for(config));
  }
  if (which == "openai") {
    if (!has_openai) bad_config("agent_provider is openai but openai_base_url is empty");
    OpenAICompatOptions o;
    o.api_key = config.str("openai_api_key");
    o.base_url = config.str("openai_base_url");
    return std::make_shared<OpenAICompatProvider>(std::move(o), client_for(config));
  }
  bad_config("agent_provider must be auto, anthropic, openai or none, not \"" + which + "\"");
}

Result<PriceTable> make_price_table(const core::Config& config) {
  return PriceTable::with_overrides(config.str("agent_prices"));
}

ModelTiers make_model_tiers(const core::Config& config) {
  return ModelTiers{config.str("agent_model_fast"), config.str("agent_model_balanced"), config.str("agent_model_best")};
}

void apply_timeouts(const core::Config& config, ModelRequest& request) {
  request.connect_timeout = std::chrono::milliseconds(config.integer("agent_connect_timeout_ms"));
  request.idle_timeout = std::chrono::milliseconds(config.integer("agent_idle_timeout_ms"));
}

}  // namespace krilin::agents
