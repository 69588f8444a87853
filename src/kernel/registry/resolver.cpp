#include "kernel/registry/resolver.h"

#include <algorithm>
#include <functional>

namespace krilin::kernel::registry {
namespace {

std::string join_chain(const std::vector<std::string>& chain) {
  std::string out;
  for (const auto& c : chain) out += (out.empty() ? "" : " → ") + c;
  return out;
}

class Resolver {
 public:
  Resolver(const std::vector<CatalogEntry>& catalog, const std::map<std::string, Version>& installed,
           const std::set<std::string>& accepted)
      : catalog_(catalog), installed_(installed), accepted_(accepted) {}

  InstallPlan run(const std::string& app) {
    const CatalogEntry* top = pick(app, nullptr, {app});
    visit(*top, {app}, "", false);
    return std::move(plan_);
  }

 private:
  std::vector<const CatalogEntry*> versions_of(const std::string& id) const {
    std::vector<const CatalogEntry*> out;
    for (const auto& e : catalog_)
      if (e.id == id) out.push_back(&e);
    return out;
  }

  // The highest version of `id` in `range` (any version when null).
  const CatalogEntry* pick(const std::string& id, const Range* range, const std::vector<std::string>& chain) const {
    auto all = versions_of(id);
    if (all.empty())
      throw Exception(Error::not_found("unknown_app", "There is no app '" + id + "' (" + join_chain(chain) + ")."));
    const CatalogEntry* best = nullptr;
    for (const auto* e : all)
      if ((!range || range->satisfied_by(e->version)) && (!best || best->version < e->version)) best = e;
    if (!best) {
      std::vector<Version> vs;
      for (const auto* e : all) vs.push_back(e->version);
      std::sort(vs.begin(), vs.end());
      std::string available;
      for (const auto& v : vs) available += (available.empty() ? "" : ", ") + v.to_string();
      throw Exception(Error::conflict("unsatisfiable_dependency", join_chain(chain) + " " + range->text() +
                                                                    ": no version fits (available: " + available + ")."));
    }
    return best;
  }

  void visit(const CatalogEntry& entry, std::vector<std::string> chain, const std::string& required_by, bool optional) {
    chosen_[entry.id] = {&entry, chain};
    in_progress_.insert(entry.id);
    for (const auto& dep : entry.dependencies) {
      auto range = Range::parse(dep.range);
      if (!range)
        throw Exception(Error::invalid("invalid_version_range",
                                       entry.id + " declares a bad range for " + dep.app + ": " + range.error().message));
      std::vector<std::string> dep_chain = chain;
      dep_chain.push_back(dep.app);
      if (in_progress_.contains(dep.app))
        throw Exception(Error::conflict("dependency_cycle", "The dependencies go round in a circle: " + join_chain(dep_chain) + "."));
      if (auto it = installed_.find(dep.app); it != installed_.end()) {
        if (!range->satisfied_by(it->second))
          throw Exception(Error::conflict("version_conflict", join_chain(dep_chain) + " " + dep.range + ", but " +
                                                                  it->second.to_string() + " is installed."));
        continue;
      }
      if (auto it = chosen_.find(dep.app); it != chosen_.end()) {
        if (!range->satisfied_by(it->second.entry->version))
          throw Exception(Error::conflict(
              "version_conflict", join_chain(dep_chain) + " " + dep.range + " conflicts with " +
                                      join_chain(it->second.chain) + " (" + it->second.entry->version.to_string() + ")."));
        continue;
      }
      if (dep.optional && !accepted_.contains(dep.app)) {
        if (std::none_of(plan_.optional_offered.begin(), plan_.optional_offered.end(),
                         [&](const PlanStep& s) { return s.app == dep.app; })) {
          const CatalogEntry* offer = nullptr;
          try {
            offer = pick(dep.app, &*range, dep_chain);
          } catch (const Exception&) {
            continue;  // an optional dependency nobody can provide yet is simply not offered
          }
          plan_.optional_offered.push_back({dep.app, offer->version, true, entry.id});
        }
        continue;
      }
      const CatalogEntry* next = pick(dep.app, &*range, dep_chain);
      visit(*next, dep_chain, entry.id, dep.optional);
    }
    in_progress_.erase(entry.id);
    if (!installed_.contains(entry.id)) plan_.install.push_back({entry.id, entry.version, optional, required_by});
  }

  struct Chosen {
    const CatalogEntry* entry;
    std::vector<std::string> chain;
  };
  const std::vector<CatalogEntry>& catalog_;
  const std::map<std::string, Version>& installed_;
  const std::set<std::string>& accepted_;
  std::map<std::string, Chosen> chosen_;
  std::set<std::string> in_progress_;
  InstallPlan plan_;
};

}  // namespace

Result<InstallPlan> plan_install(const std::vector<CatalogEntry>& catalog, const std::string& app,
                                 const std::map<std::string, Version>& installed,
                                 const std::set<std::string>& accepted_optional) {
  try {
    return Resolver(catalog, installed, accepted_optional).run(app);
  } catch (const Exception& e) {
    return e.error();
  }
}

}  // namespace krilin::kernel::registry
