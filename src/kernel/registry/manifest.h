#pragma once
// App manifests (apps/<id>/manifest.json; the format: docs/manifest.md, its JSON Schema:
// apps/manifest.schema.json). check_manifest() validates one against the schema, then what
// a schema cannot say: the version is semver, dependency ranges parse, record schemas stay
// in the supported subset, action and output schemas compile, indexes name declared
// fields, widgets name declared outputs, an app does not depend on itself.
// Every problem is reported as "JSON pointer: what is wrong".
#include <map>
#include <string>
#include <vector>

#include "kernel/registry/record_schema.h"
#include "kernel/registry/resolver.h"
#include "kernel/registry/semver.h"
#include "krilin/sdk/json.h"

namespace krilin::kernel::registry {

struct Manifest {
  std::string id, name, description;
  Version version;
  std::map<std::string, RecordSchema> tables;
  std::vector<std::string> actions, outputs, streams;
  std::vector<DependencySpec> dependencies;
  json::value document;
};

struct ManifestCheck {
  std::vector<std::string> problems;  // empty: valid
  std::optional<Manifest> manifest;
};

ManifestCheck check_manifest(const json::value& document);

}  // namespace krilin::kernel::registry
