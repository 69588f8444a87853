#include "kernel/registry/manifest.h"

#include <set>

#include "http/schema.h"

namespace krilin::kernel::registry {

extern const std::string_view kManifestSchema;

namespace {

const http::CompiledSchema& manifest_schema() {
  static const http::CompiledSchema s = http::compile_schema(json::parse(kManifestSchema)).value();
  return s;
}

std::string str(const json::value& v, std::string_view key) {
  const json::value* x = v.is_object() ? v.as_object().if_contains(key) : nullptr;
  return x && x->is_string() ? std::string(x->as_string()) : std::string();
}

// An action's intents (docs/agents.md): every {slot} a pattern names is declared in
// `slots`, every slot fills a param the params schema declares, and a name slot reads a
// "table.field" of this app.
void check_intents(const json::object& action, const std::string& where, const std::map<std::string, RecordSchema>& tables,
                   std::vector<std::string>& problems) {
  const json::value* intents = action.if_contains("intents");
  const json::value* slots = action.if_contains("slots");
  std::set<std::string> declared;
  if (slots)
    for (const auto& [name, s] : slots->as_object()) {
      declared.insert(std::string(name));
      const std::string at = where + "/slots/" + std::string(name);
      const std::string param = str(s, "param").empty() ? std::string(name) : str(s, "param");
      const json::value* props = action.at("params").as_object().if_contains("properties");
      if (!props || !props->is_object() || !props->as_object().contains(param))
        problems.push_back(at + ": '" + param + "' is not a param of the action");
      if (str(s, "type") == "name") {
        const std::string source = str(s, "source");
        const auto dot = source.find('.');
        auto t = dot == std::string::npos ? tables.end() : tables.find(source.substr(0, dot));
        bool field = false;
        if (t != tables.end())
          for (const auto& f : t->second.fields()) field = field || f.name == source.substr(dot + 1);
        if (!field) problems.push_back(at + "/source: a name slot reads a \"table.field\" of this app, not '" + source + "'");
      }
    }
  if (!intents) return;
  for (std::size_t i = 0; i < intents->as_array().size(); ++i) {
    const json::value& in = intents->as_array()[i];
    const std::string pattern = in.is_string() ? std::string(in.as_string()) : str(in, "pattern");
    for (std::size_t p = pattern.find('{'); p != std::string::npos; p = pattern.find('{', p + 1)) {
      const auto end = pattern.find('}', p);
      const std::string slot = end == std::string::npos ? "" : pattern.substr(p + 1, end - p - 1);
      if (!declared.contains(slot))
        problems.push_back(where + "/intents/" + std::to_string(i) + ": {" + slot + "} is not a declared slot");
    }
  }
}

}  // namespace

ManifestCheck check_manifest(const json::value& doc) {
  ManifestCheck out;
  auto& problems = out.problems;
  auto valid = manifest_schema().validate(doc);
  if (!valid) {
    problems.push_back(valid.error().message);
    return out;  // the rest assumes the shape is right
  }
  Manifest m;
  m.document = doc;
  m.id = str(doc, "id");
  m.name = str(doc, "name");
  m.description = str(doc, "description");
  auto version = Version::parse(str(doc, "version"));
  if (!version) problems.push_back("/version: " + version.error().message);
  else m.version = *version;

  const auto& o = doc.as_object();
  std::set<std::string> outputs;
  if (const json::value* tables = o.if_contains("tables"))
    for (const auto& [name, t] : tables->as_object()) {
      const std::string where = "/tables/" + std::string(name);
      auto schema = RecordSchema::compile(t.at("schema"));
      if (!schema) {
        problems.push_back(where + "/schema" + schema.error().message);
        continue;
      }
      std::set<std::string> fields{"id", "created_at", "updated_at", "version"};
      for (const auto& f : schema->fields()) fields.insert(f.name);
      if (const json::value* idx = t.as_object().if_contains("indexes"))
        for (std::size_t i = 0; i < idx->as_array().size(); ++i)
          for (const auto& f : idx->as_array()[i].as_array())
            if (!fields.contains(std::string(f.as_string())))
              problems.push_back(where + "/indexes/" + std::to_string(i) + ": '" + std::string(f.as_string()) +
                                 "' is not a field of the table");
      m.tables.emplace(std::string(name), std::move(*schema));
    }
  auto check_schema = [&](const json::value& s, const std::string& where) {
    auto c = http::compile_schema(s);
    if (!c) problems.push_back(where + ": " + c.error().message);
  };
  if (const json::value* actions = o.if_contains("actions"))
    for (const auto& [name, a] : actions->as_object()) {
      m.actions.emplace_back(name);
      check_schema(a.at("params"), "/actions/" + std::string(name) + "/params");
      if (const json::value* r = a.as_object().if_contains("result")) check_schema(*r, "/actions/" + std::string(name) + "/result");
      check_intents(a.as_object(), "/actions/" + std::string(name), m.tables, problems);
    }
  if (const json::value* outs = o.if_contains("outputs"))
    for (const auto& [name, out_def] : outs->as_object()) {
      m.outputs.emplace_back(name);
      outputs.insert(std::string(name));
      check_schema(out_def.at("schema"), "/outputs/" + std::string(name) + "/schema");
    }
  if (const json::value* streams = o.if_contains("streams"))
    for (const auto& [name, s] : streams->as_object()) {
      m.streams.emplace_back(name);
      check_schema(s.at("schema"), "/streams/" + std::string(name) + "/schema");
    }
  if (const json::value* deps = o.if_contains("dependencies"))
    if (const json::value* apps = deps->as_object().if_contains("apps"))
      for (std::size_t i = 0; i < apps->as_array().size(); ++i) {
        const auto& d = apps->as_array()[i];
        const std::string where = "/dependencies/apps/" + std::to_string(i);
        DependencySpec spec{str(d, "id"), str(d, "range"), false};
        if (const json::value* opt = d.as_object().if_contains("optional")) spec.optional = opt->as_bool();
        if (spec.app == m.id) problems.push_back(where + ": an app cannot depend on itself");
        auto range = Range::parse(spec.range);
        if (!range) problems.push_back(where + "/range: " + range.error().message);
        m.dependencies.push_back(std::move(spec));
      }
  if (const json::value* widgets = o.if_contains("widgets"))
    for (std::size_t i = 0; i < widgets->as_array().size(); ++i) {
      std::string output = str(widgets->as_array()[i], "output");
      if (!outputs.contains(output))
        problems.push_back("/widgets/" + std::to_string(i) + "/output: '" + output + "' is not an output of this app");
    }
  if (problems.empty()) out.manifest = std::move(m);
  return out;
}

}  // namespace krilin::kernel::registry
