#pragma once
// The catalog: every app this server can install, read from the manifests compiled into
// the binary. Built once at start and read-only afterwards (thread-safe to share).
//
// Catalog::build checks each manifest (check_manifest), then what only the whole set can
// say: no id twice, and every output, stream or action a dependency `uses` exists in the
// provider when the provider is in the catalog (optional providers may be absent: they
// arrive with later versions). Problems come back as "app: JSON pointer: what".
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/schema.h"
#include "kernel/registry/manifest.h"
#include "kernel/registry/resolver.h"
#include "krilin/sdk/json.h"
#include "krilin/sdk/result.h"
#include "store/query.h"

namespace krilin::kernel::registry {

enum class Access { any_app, requires_permission };

struct ActionDef {
  std::string name, description;
  bool destructive = false;
  // Runs without a transaction and may not write (conflict `read_only_action`): for actions
  // that only read, and must for actions that wait on a model (ctx.ai, agent_query).
  bool read_only = false;
  std::shared_ptr<const http::CompiledSchema> params;
  json::value params_schema;
};

struct OutputDef {
  std::string name, description, label;
  Access access = Access::any_app;
  std::shared_ptr<const http::CompiledSchema> schema;  // what every answer must match
};

struct StreamDef {
  std::string name, description, label;
  Access access = Access::requires_permission;
  std::shared_ptr<const http::CompiledSchema> schema;  // what every event must match
};

// One dependency of an app, with what it reads of the provider.
struct Dependency {
  std::string app, range, purpose;
  bool optional = false;
  std::vector<std::string> outputs, streams, actions;
  bool agent = false;
};

struct AppSpec {
  std::string id, name, description, icon;
  Version version;
  std::map<std::string, RecordSchema> schemas;  // per table
  std::vector<store::TableSpec> tables;
  std::map<std::string, ActionDef> actions;
  std::map<std::string, OutputDef> outputs;
  std::vector<std::string> streams;
  std::map<std::string, StreamDef> stream_defs;
  std::vector<Dependency> dependencies;
  std::vector<std::string> permissions;  // notifications, files, schedule, ai
  json::value manifest;

  bool has_permission(std::string_view p) const {
    return std::find(permissions.begin(), permissions.end(), p) != permissions.end();
  }

  const Dependency* dependency_on(const std::string& provider) const;
  const store::TableSpec* table(const std::string& name) const;
};

class Catalog {
 public:
  static Result<Catalog> build(const std::vector<json::value>& manifests);

  const AppSpec* find(const std::string& id) const;
  const std::vector<AppSpec>& apps() const { return apps_; }
  // The entries the resolver plans with.
  std::vector<CatalogEntry> entries() const;

 private:
  std::vector<AppSpec> apps_;
};

}  // namespace krilin::kernel::registry
