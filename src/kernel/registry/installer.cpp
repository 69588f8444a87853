#include "kernel/registry/installer.h"

#include <algorithm>

#include "store/query.h"
#include "store/records.h"

namespace krilin::kernel::registry {

using store::text;
using store::Value;

namespace {

// A fixed key for pg_advisory_xact_lock around app-table DDL ("kapps").
constexpr std::int64_t kTablesLockKey = 0x6b61707073;

std::string name_of(const Catalog& c, const std::string& id) {
  const AppSpec* a = c.find(id);
  return a ? a->name : id;
}

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// What `consumer` reads of `provider`, as permissions.
void add_permissions(const AppSpec& consumer, const AppSpec& provider, std::vector<Permission>& out) {
  const Dependency* d = consumer.dependency_on(provider.id);
  if (!d) return;
  auto add = [&](std::string kind, std::string name, bool requires_grant, std::string words) {
    grants::Grant g{"", consumer.id, provider.id, std::move(kind), std::move(name)};
    out.push_back({std::move(g), requires_grant, std::move(words)});
  };
  for (const auto& o : d->outputs) {
    auto it = provider.outputs.find(o);
    if (it == provider.outputs.end()) continue;
    add("output", o, it->second.access == Access::requires_permission, "Read " + it->second.label + " from " + provider.name);
  }
  for (const auto& s : d->streams) {
    auto it = provider.stream_defs.find(s);
    if (it == provider.stream_defs.end()) continue;
    add("stream", s, it->second.access == Access::requires_permission,
        "Follow " + it->second.label + " from " + provider.name + " as they happen");
  }
  for (const auto& a : d->actions) {
    auto it = provider.actions.find(a);
    std::string what = it == provider.actions.end() ? a : it->second.description;
    if (!what.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
    add("action", a, true, "Ask " + provider.name + " to " + what);
  }
  if (d->agent) add("agent", "agent", true, "Ask " + provider.name + "'s assistant questions about your data");
}

InstalledApp installed_of(const store::Rows& rows, std::size_t i) {
  InstalledApp a;
  a.app_id = store::as_text(rows.rows[i][0]);
  auto v = Version::parse(store::as_text(rows.rows[i][1]));
  if (v) a.version = *v;
  a.enabled = store::as_bool(rows.rows[i][2]);
  a.installed_at = store::as_int(rows.rows[i][3]);
  return a;
}

Error not_installed(const Catalog& c, const std::string& app) {
  return Error::not_found("app_not_installed", name_of(c, app) + " is not installed.");
}

}  // namespace

json::object Permission::to_json() const {
  return {{"consumer", grant.consumer}, {"provider", grant.provider}, {"kind", grant.kind}, {"name", grant.name},
          {"requires_grant", requires_grant}, {"text", text}};
}

json::object ResolvedPlan::to_json(const Catalog& catalog) const {
  auto step = [&](const PlanStep& s) {
    const AppSpec* a = catalog.find(s.app);
    return json::object{{"id", s.app},
                        {"name", a ? a->name : s.app},
                        {"version", s.version.to_string()},
                        {"optional", s.optional},
                        {"required_by", s.required_by.empty() ? json::value(nullptr) : json::value(s.required_by)}};
  };
  json::array install, optional, perms;
  for (const auto& s : plan.install) install.push_back(step(s));
  for (const auto& s : plan.optional_offered) {
    json::object o = step(s);
    const AppSpec* by = catalog.find(s.required_by);
    const Dependency* d = by ? by->dependency_on(s.app) : nullptr;
    o["purpose"] = d ? d->purpose : "";
    optional.push_back(std::move(o));
  }
  for (const auto& p : permissions) perms.push_back(p.to_json());
  return {{"install", std::move(install)},
          {"optional", std::move(optional)},
          {"integrations", json::array{}},
          {"permissions", std::move(perms)}};
}

std::vector<Permission> plan_permissions(const Catalog& catalog, const InstallPlan& plan, const InstalledSet& installed) {
  std::set<std::string> planned, present;
  for (const auto& s : plan.install) planned.insert(s.app);
  for (const auto& [id, _] : installed) present.insert(id);
  std::vector<Permission> out;
  for (const auto& s : plan.install) {
    const AppSpec* consumer = catalog.find(s.app);
    if (!consumer) continue;
    for (const auto& d : consumer->dependencies)
      if (planned.contains(d.app) || present.contains(d.app))
        if (const AppSpec* provider = catalog.find(d.app)) add_permissions(*consumer, *provider, out);
  }
  // Apps already installed that can now read what arrives (an optional dependency met).
  for (const auto& id : present)
    if (const AppSpec* consumer = catalog.find(id))
      for (const auto& d : consumer->dependencies)
        if (planned.contains(d.app))
          if (const AppSpec* provider = catalog.find(d.app)) add_permissions(*consumer, *provider, out);
  return out;
}

std::vector<std::string> dependents_of(const Catalog& catalog, const std::string& app, const InstalledSet& installed) {
  std::vector<std::string> order;
  std::set<std::string> seen{app};
  std::function<void(const std::string&)> visit = [&](const std::string& target) {
    for (const auto& [id, _] : installed) {
      if (seen.contains(id)) continue;
      const AppSpec* a = catalog.find(id);
      const Dependency* d = a ? a->dependency_on(target) : nullptr;
      if (!d || d->optional) continue;
      seen.insert(id);
      visit(id);             // its own dependents go first
      order.push_back(id);
    }
  };
  visit(app);
  return order;
}

std::vector<std::string> upgrade_problems(const Catalog& catalog, const std::string& app, const Version& to,
                                          const InstalledSet& installed) {
  std::vector<std::string> out;
  for (const auto& [id, _] : installed) {
    if (id == app) continue;
    const AppSpec* a = catalog.find(id);
    const Dependency* d = a ? a->dependency_on(app) : nullptr;
    if (!d) continue;
    auto range = Range::parse(d->range);
    if (range && !range->satisfied_by(to))
      out.push_back(a->name + " needs " + name_of(catalog, app) + " " + d->range + "; " + to.to_string() +
                    " is outside that range");
  }
  return out;
}

const AppSpec& Installer::spec(const std::string& app_id) const {
  const AppSpec* a = catalog_.find(app_id);
  if (!a) throw Exception(Error::not_found("unknown_app", "There is no app '" + app_id + "'."));
  return *a;
}

asio::awaitable<InstalledSet> Installer::installed(const std::string& user_id) {
  store::Params p{text(user_id)};
  auto rows = co_await store_.query(
      "SELECT app_id, version, enabled, installed_at FROM installed_apps WHERE user_id = $1 ORDER BY app_id", std::move(p));
  InstalledSet out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto a = installed_of(rows, i);
    out.emplace(a.app_id, std::move(a));
  }
  co_return out;
}

asio::awaitable<std::optional<InstalledApp>> Installer::installed_app(const std::string& user_id,
                                                                       const std::string& app_id) {
  store::Params p{text(user_id), text(app_id)};
  auto rows = co_await store_.query(
      "SELECT app_id, version, enabled, installed_at FROM installed_apps WHERE user_id = $1 AND app_id = $2", std::move(p));
  if (rows.empty()) co_return std::nullopt;
  co_return installed_of(rows, 0);
}

asio::awaitable<ResolvedPlan> Installer::plan(const std::string& user_id, const std::string& app_id,
                                              const std::set<std::string>& accepted) {
  spec(app_id);
  auto have = co_await installed(user_id);
  std::map<std::string, Version> versions;
  for (const auto& [id, a] : have) versions.emplace(id, a.version);
  for (const auto& a : accepted)
    if (!catalog_.find(a))
      throw Exception(Error::invalid("unknown_optional_app", "'" + a + "' is not an app this server offers."));
  auto plan = plan_install(catalog_.entries(), app_id, versions, accepted);
  if (!plan) throw Exception(plan.error());
  ResolvedPlan out{std::move(*plan), {}};
  out.permissions = plan_permissions(catalog_, out.plan, have);
  co_return out;
}

asio::awaitable<void> Installer::ensure_tables(const AppSpec& app) {
  if (app.tables.empty()) co_return;
  co_await store_.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
    if (tx.dialect() == store::Dialect::postgres) {
      store::Params lock{Value(kTablesLockKey)};
      co_await tx.query("SELECT pg_advisory_xact_lock($1)", std::move(lock));
    }
    for (const auto& t : app.tables)
      for (const auto& stmt : store::app_table_ddl(t, tx.dialect())) co_await tx.execute(stmt);
  });
}

asio::awaitable<ResolvedPlan> Installer::install(const std::string& user_id, const std::string& app_id,
                                                 const std::set<std::string>& accepted, const std::string& address) {
  auto resolved = co_await plan(user_id, app_id, accepted);
  if (resolved.plan.install.empty())
    throw Exception(Error::conflict("already_installed", spec(app_id).name + " is already installed."));
  for (const auto& s : resolved.plan.install) co_await ensure_tables(spec(s.app));
  const std::int64_t now = clock_.now_ms();
  co_await store_.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
    for (const auto& s : resolved.plan.install) {
      store::Params p{text(user_id), text(s.app), text(s.version.to_string()), Value(now)};
      co_await tx.execute(
          "INSERT INTO installed_apps (user_id, app_id, version, enabled, installed_at, updated_at) "
          "VALUES ($1, $2, $3, 1, $4, $4)",
          std::move(p));
      json::object detail{{"app", s.app}, {"version", s.version.to_string()}, {"required_by", s.required_by},
                          {"optional", s.optional}};
      co_await grants::Grants::audit(tx, user_id, s.app, "app.installed", std::move(detail), address, now);
    }
    std::vector<grants::Grant> wanted;
    for (const auto& p : resolved.permissions)
      if (p.requires_grant) wanted.push_back(p.grant);
    co_await grants::Grants::add(tx, user_id, wanted, now);
  });
  co_return resolved;
}

asio::awaitable<std::vector<std::string>> Installer::uninstall(const std::string& user_id, const std::string& app_id,
                                                               const std::string& mode, const std::string& address) {
  const AppSpec& app = spec(app_id);
  auto have = co_await installed(user_id);
  if (!have.contains(app_id)) throw Exception(not_installed(catalog_, app_id));
  if (mode == "disable") {
    co_await set_enabled(user_id, app_id, false, address);
    co_return std::vector<std::string>{app_id};
  }
  auto dependents = dependents_of(catalog_, app_id, have);
  if (!dependents.empty() && mode != "cascade") {
    std::vector<std::string> names;
    json::array ids;
    for (const auto& d : dependents) {
      names.push_back(name_of(catalog_, d));
      ids.push_back(json::value(d));
    }
    Error e = Error::conflict("has_dependents", join(names) + (names.size() == 1 ? " needs " : " need ") + app.name +
                                                    ": uninstall with mode \"cascade\" to remove " +
                                                    (names.size() == 1 ? "it" : "them") +
                                                    " too, or \"disable\" to keep everything but switch it off.");
    e.details = json::object{{"dependents", std::move(ids)}};
    throw Exception(std::move(e));
  }
  std::vector<std::string> order = dependents;
  order.push_back(app_id);
  const std::int64_t now = clock_.now_ms();
  co_await store_.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
    for (const auto& id : order) {
      store::Params p{text(user_id), text(id)};
      co_await tx.execute("DELETE FROM installed_apps WHERE user_id = $1 AND app_id = $2", std::move(p));
      co_await grants::Grants::remove_app(tx, user_id, id);
      json::object detail{{"app", id},
                          {"because_of", id == app_id ? json::value(nullptr) : json::value(app_id)},
                          {"data", "kept until purge"}};
      co_await grants::Grants::audit(tx, user_id, id, "app.uninstalled", std::move(detail), address, now);
    }
  });
  co_return order;
}

asio::awaitable<void> Installer::set_enabled(const std::string& user_id, const std::string& app_id, bool enabled,
                                             const std::string& address) {
  spec(app_id);
  const std::int64_t now = clock_.now_ms();
  co_await store_.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
    store::Params p{Value(static_cast<std::int64_t>(enabled ? 1 : 0)), Value(now), text(user_id), text(app_id)};
    auto n = co_await tx.execute("UPDATE installed_apps SET enabled = $1, updated_at = $2 WHERE user_id = $3 AND app_id = $4",
                                 std::move(p));
    if (n == 0) throw Exception(not_installed(catalog_, app_id));
    json::object detail{{"app", app_id}};
    co_await grants::Grants::audit(tx, user_id, app_id, enabled ? "app.enabled" : "app.disabled", std::move(detail),
                                   address, now);
  });
}

asio::awaitable<json::object> Installer::upgrade(const std::string& user_id, const std::string& app_id,
                                                 const std::string& address) {
  const AppSpec& app = spec(app_id);
  auto have = co_await installed(user_id);
  auto it = have.find(app_id);
  if (it == have.end()) throw Exception(not_installed(catalog_, app_id));
  const Version from = it->second.version;
  if (!(from < app.version))
    throw Exception(Error::conflict("up_to_date", app.name + " " + from.to_string() + " is the newest version."));
  auto problems = upgrade_problems(catalog_, app_id, app.version, have);
  // The new version's own dependencies must be met by what is installed.
  std::map<std::string, Version> versions;
  for (const auto& [id, a] : have)
    if (id != app_id) versions.emplace(id, a.version);
  auto plan = plan_install(catalog_.entries(), app_id, versions);
  if (!plan) problems.push_back(plan.error().message);
  else
    for (const auto& s : plan->install)
      if (s.app != app_id) problems.push_back(app.name + " " + app.version.to_string() + " needs " + name_of(catalog_, s.app) +
                                              ": install it first");
  if (!problems.empty()) {
    json::array reasons;
    for (const auto& p : problems) reasons.push_back(json::value(p));
    Error e = Error::conflict("upgrade_blocked", "Cannot upgrade " + app.name + " to " + app.version.to_string() + ": " +
                                                    join(problems, "; ") + ".");
    e.details = json::object{{"reasons", std::move(reasons)}};
    throw Exception(std::move(e));
  }
  co_await ensure_tables(app);
  const std::int64_t now = clock_.now_ms();
  co_await store_.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
    store::Params p{text(app.version.to_string()), Value(now), text(user_id), text(app_id)};
    co_await tx.execute("UPDATE installed_apps SET version = $1, updated_at = $2 WHERE user_id = $3 AND app_id = $4",
                        std::move(p));
    json::object detail{{"app", app_id}, {"from", from.to_string()}, {"to", app.version.to_string()}};
    co_await grants::Grants::audit(tx, user_id, app_id, "app.upgraded", std::move(detail), address, now);
  });
  co_return json::object{{"app", app_id}, {"from", from.to_string()}, {"to", app.version.to_string()}};
}

asio::awaitable<std::int64_t> Installer::purge(const std::string& user_id, const std::string& app_id,
                                               const std::string& address) {
  const AppSpec& app = spec(app_id);
  if (co_await installed_app(user_id, app_id))
    throw Exception(Error::conflict("app_installed", app.name + " is installed: uninstall it before purging its data."));
  co_await ensure_tables(app);
  std::int64_t removed = 0;
  const std::int64_t now = clock_.now_ms();
  co_await store::as_user(store_, user_id, [&](store::Transaction& tx) -> asio::awaitable<void> {
    for (const auto& t : app.tables) {
      store::Params p{text(user_id)};
      removed += co_await tx.execute("DELETE FROM \"" + store::physical_table_name(t.app, t.name).value() +
                                         "\" WHERE user_id = $1",
                                     std::move(p));
    }
    json::object detail{{"app", app_id}, {"records", removed}};
    co_await grants::Grants::audit(tx, user_id, app_id, "app.purged", std::move(detail), address, now);
  });
  co_return removed;
}

}  // namespace krilin::kernel::registry
