#pragma once
// Dependency resolution for installing an app: which apps (and versions) must be
// installed, in which order (dependencies first), and which optional ones are on offer.
// Pure: the catalog and what is installed come in, a plan or a precise error comes out.
//
// Errors name the chain that causes them:
//   conflict `dependency_cycle`          "dashboard → goals → dashboard"
//   conflict `unsatisfiable_dependency`  "dashboard → habit-tracker ^2.0: available 1.0.0, 1.4.2"
//   conflict `version_conflict`          two dependents need ranges no single version meets,
//                                        or an installed version outside a needed range
//   not_found `unknown_app`              an app (or dependency) the catalog does not have
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kernel/registry/semver.h"
#include "krilin/sdk/result.h"

namespace krilin::kernel::registry {

struct DependencySpec {
  std::string app;
  std::string range;  // semver range
  bool optional = false;
};

struct CatalogEntry {
  std::string id;
  Version version;
  std::vector<DependencySpec> dependencies;
};

struct PlanStep {
  std::string app;
  Version version;
  bool optional = false;     // installed because the user accepted an optional dependency
  std::string required_by;   // the dependent that brought it in ("" for the app asked for)
};

struct InstallPlan {
  std::vector<PlanStep> install;        // in order: dependencies before their dependents
  std::vector<PlanStep> optional_offered;  // optional dependencies not accepted (and not installed)
};

Result<InstallPlan> plan_install(const std::vector<CatalogEntry>& catalog, const std::string& app,
                                 const std::map<std::string, Version>& installed,
                                 const std::set<std::string>& accepted_optional = {});

}  // namespace krilin::kernel::registry
