#include "kernel/registry/catalog.h"

#include <set>

namespace krilin::kernel::registry {
namespace {

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::vector<std::string> strings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const json::value* v = o.if_contains(key); v && v->is_array())
    for (const auto& s : v->as_array()) out.emplace_back(s.as_string());
  return out;
}

AppSpec spec_of(Manifest m) {
  AppSpec a;
  const json::object& doc = m.document.as_object();
  a.id = m.id;
  a.name = m.name;
  a.description = m.description;
  a.icon = str(doc, "icon");
  a.version = m.version;
  a.manifest = m.document;
  for (auto& [name, schema] : m.tables) {
    store::TableSpec t{a.id, name, schema.fields(), {}};
    const json::object& def = doc.at("tables").at(name).as_object();
    if (const json::value* idx = def.if_contains("indexes"))
      for (const auto& cols : idx->as_array()) {
        std::vector<std::string> fields;
        for (const auto& f : cols.as_array()) fields.emplace_back(f.as_string());
        t.indexes.push_back(std::move(fields));
      }
    a.tables.push_back(std::move(t));
    a.schemas.emplace(name, std::move(schema));
  }
  if (const json::value* actions = doc.if_contains("actions"))
    for (const auto& [name, def] : actions->as_object()) {
      const json::object& d = def.as_object();
      ActionDef ad{std::string(name), str(d, "description")};
      if (const json::value* x = d.if_contains("destructive")) ad.destructive = x->as_bool();
      if (const json::value* x = d.if_contains("read_only")) ad.read_only = x->as_bool();
      ad.params_schema = d.at("params");
      ad.params = std::make_shared<const http::CompiledSchema>(http::compile_schema(ad.params_schema).value());
      a.actions.emplace(ad.name, std::move(ad));
    }
  if (const json::value* outputs = doc.if_contains("outputs"))
    for (const auto& [name, def] : outputs->as_object()) {
      const json::object& d = def.as_object();
      OutputDef od{std::string(name), str(d, "description"), str(d, "label")};
      if (od.label.empty()) od.label = od.name;
      od.access = str(d, "access") == "requires_permission" ? Access::requires_permission : Access::any_app;
      od.schema = std::make_shared<const http::CompiledSchema>(http::compile_schema(d.at("schema")).value());
      a.outputs.emplace(od.name, std::move(od));
    }
  a.streams = m.streams;
  a.permissions = strings(doc, "permissions");
  if (const json::value* streams = doc.if_contains("streams"))
    for (const auto& [name, def] : streams->as_object()) {
      const json::object& d = def.as_object();
      StreamDef sd{std::string(name), str(d, "description"), str(d, "label")};
      if (sd.label.empty()) sd.label = sd.name;
      sd.access = str(d, "access") == "any_app" ? Access::any_app : Access::requires_permission;
      sd.schema = std::make_shared<const http::CompiledSchema>(http::compile_schema(d.at("schema")).value());
      a.stream_defs.emplace(sd.name, std::move(sd));
    }
  if (const json::value* deps = doc.if_contains("dependencies"))
    if (const json::value* apps = deps->as_object().if_contains("apps"))
      for (const auto& d : apps->as_array()) {
        const json::object& o = d.as_object();
        Dependency dep{str(o, "id"), str(o, "range"), str(o, "purpose")};
        if (const json::value* x = o.if_contains("optional")) dep.optional = x->as_bool();
        if (const json::value* uses = o.if_contains("uses")) {
          const json::object& u = uses->as_object();
          dep.outputs = strings(u, "outputs");
          dep.streams = strings(u, "streams");
          dep.actions = strings(u, "actions");
          if (const json::value* x = u.if_contains("agent")) dep.agent = x->as_bool();
        }
        a.dependencies.push_back(std::move(dep));
      }
  return a;
}

}  // namespace

const Dependency* AppSpec::dependency_on(const std::string& provider) const {
  for (const auto& d : dependencies)
    if (d.app == provider) return &d;
  return nullptr;
}

const store::TableSpec* AppSpec::table(const std::string& name) const {
  for (const auto& t : tables)
    if (t.name == name) return &t;
  return nullptr;
}

Result<Catalog> Catalog::build(const std::vector<json::value>& manifests) {
  Catalog c;
  std::vector<std::string> problems;
  std::set<std::string> ids;
  for (const auto& doc : manifests) {
    auto check = check_manifest(doc);
    std::string id = doc.is_object() ? str(doc.as_object(), "id") : "";
    for (const auto& p : check.problems) problems.push_back((id.empty() ? "?" : id) + ": " + p);
    if (!check.manifest) continue;
    if (!ids.insert(check.manifest->id).second) {
      problems.push_back(id + ": the id is used by another app");
      continue;
    }
    c.apps_.push_back(spec_of(std::move(*check.manifest)));
  }
  for (const auto& a : c.apps_)
    for (std::size_t i = 0; i < a.dependencies.size(); ++i) {
      const Dependency& d = a.dependencies[i];
      const AppSpec* p = c.find(d.app);
      const std::string where = a.id + ": /dependencies/apps/" + std::to_string(i);
      if (!p) {
        if (!d.optional) problems.push_back(where + ": requires '" + d.app + "', which no manifest provides");
        continue;
      }
      for (const auto& o : d.outputs)
        if (!p->outputs.contains(o)) problems.push_back(where + "/uses/outputs: '" + o + "' is not an output of " + d.app);
      for (const auto& s : d.streams)
        if (std::find(p->streams.begin(), p->streams.end(), s) == p->streams.end())
          problems.push_back(where + "/uses/streams: '" + s + "' is not a stream of " + d.app);
      for (const auto& act : d.actions) {
        auto it = p->actions.find(act);
        if (it == p->actions.end()) problems.push_back(where + "/uses/actions: '" + act + "' is not an action of " + d.app);
        else if (it->second.destructive)
          problems.push_back(where + "/uses/actions: '" + act + "' is destructive; other apps may only use read-only actions");
      }
    }
  if (!problems.empty()) {
    std::string msg;
    for (const auto& p : problems) msg += (msg.empty() ? "" : "\n") + p;
    return Error::invalid("invalid_catalog", msg);
  }
  return c;
}

const AppSpec* Catalog::find(const std::string& id) const {
  for (const auto& a : apps_)
    if (a.id == id) return &a;
  return nullptr;
}

std::vector<CatalogEntry> Catalog::entries() const {
  std::vector<CatalogEntry> out;
  for (const auto& a : apps_) {
    CatalogEntry e{a.id, a.version, {}};
    for (const auto& d : a.dependencies) e.dependencies.push_back({d.app, d.range, d.optional});
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace krilin::kernel::registry
