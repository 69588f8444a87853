#pragma once
// The agents' routes: chat (Server-Sent Events), confirm, agent-query, conversations and the
// user's usage. Thin: parse, call agents::AgentService, render (docs/agents.md).
#include "agents/agent.h"
#include "http/router.h"

namespace krilin::api {

void add_agent_routes(http::Router& router, agents::AgentService& agents);

}  // namespace krilin::api
