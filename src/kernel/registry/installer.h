#pragma once
// The installer: which apps each user has, in which state, and the changes to that —
// install (with the resolved plan), uninstall (protected when other apps need the app),
// disable/enable, upgrade (with a preflight), purge. Every change runs in one transaction
// together with the grants it implies and its audit entry, so a failure leaves nothing
// half-done. App tables (`app_<app>_<table>`) are created at install, once for all users
// (idempotent DDL); a user's rows stay until purge.
//
// Errors: not_found `unknown_app` / `app_not_installed`; conflict `has_dependents` (with the
// dependents named in the message and listed by dependents_of), `already_installed`,
// `app_installed` (purge of an installed app), `upgrade_blocked`, and the resolver's
// `dependency_cycle` / `unsatisfiable_dependency` / `version_conflict`.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/clock.h"
#include "kernel/grants/grants.h"
#include "kernel/registry/catalog.h"
#include "krilin/sdk/json.h"
#include "store/store.h"

namespace krilin::kernel::registry {

namespace asio = boost::asio;

struct InstalledApp {
  std::string app_id;
  Version version;
  bool enabled = true;
  std::int64_t installed_at = 0;
};

using InstalledSet = std::map<std::string, InstalledApp>;

// One permission of a plan, in plain words ("Read your habit streaks from Habit Tracker").
struct Permission {
  grants::Grant grant;     // consumer, provider, kind, name
  bool requires_grant;     // false for any_app outputs: the declared dependency is enough
  std::string text;
  json::object to_json() const;
};

struct ResolvedPlan {
  InstallPlan plan;
  std::vector<Permission> permissions;
  json::object to_json(const Catalog& catalog) const;
};

// Pure parts, for unit tests.
// The permissions that installing `plan` asks for: what each planned app reads of apps
// installed or planned, and what installed apps with a dependency on a planned app read.
std::vector<Permission> plan_permissions(const Catalog& catalog, const InstallPlan& plan, const InstalledSet& installed);
// The installed apps that need `app` (a required dependency), transitively, dependents
// last-to-first (uninstall order: the furthest dependent first).
std::vector<std::string> dependents_of(const Catalog& catalog, const std::string& app, const InstalledSet& installed);
// Why upgrading `app` to `to` would break installed apps (empty: it would not).
std::vector<std::string> upgrade_problems(const Catalog& catalog, const std::string& app, const Version& to,
                                          const InstalledSet& installed);

class Installer {
 public:
  Installer(store::Store& store, const Catalog& catalog, const core::Clock& clock)
      : store_(store), catalog_(catalog), clock_(clock) {}

  asio::awaitable<InstalledSet> installed(const std::string& user_id);
  asio::awaitable<std::optional<InstalledApp>> installed_app(const std::string& user_id, const std::string& app_id);

  asio::awaitable<ResolvedPlan> plan(const std::string& user_id, const std::string& app_id,
                                     const std::set<std::string>& accepted);
  // Installs the plan (dependencies first), creates tables, records grants. Answers the
  // plan that was carried out.
  asio::awaitable<ResolvedPlan> install(const std::string& user_id, const std::string& app_id,
                                        const std::set<std::string>& accepted, const std::string& address);
  // mode: "" (refused with has_dependents when others need it), "cascade" (they go too),
  // "disable" (kept, data and all, but inert). Answers the apps uninstalled or disabled.
  asio::awaitable<std::vector<std::string>> uninstall(const std::string& user_id, const std::string& app_id,
                                                      const std::string& mode, const std::string& address);
  asio::awaitable<void> set_enabled(const std::string& user_id, const std::string& app_id, bool enabled,
                                    const std::string& address);
  // Moves the app to the catalog's version; answers {from, to}.
  asio::awaitable<json::object> upgrade(const std::string& user_id, const std::string& app_id,
                                        const std::string& address);
  // Deletes the user's records of an uninstalled app for good; answers the rows deleted.
  asio::awaitable<std::int64_t> purge(const std::string& user_id, const std::string& app_id, const std::string& address);

  // The tables of every app in the catalog, created if missing (at start, so that an app
  // upgraded with the binary finds its new tables).
  asio::awaitable<void> ensure_tables(const AppSpec& app);

  const Catalog& catalog() const { return catalog_; }

 private:
  const AppSpec& spec(const std::string& app_id) const;

  store::Store& store_;
  const Catalog& catalog_;
  const core::Clock& clock_;
};

}  // namespace krilin::kernel::registry
