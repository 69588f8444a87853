#pragma once
// The app platform over HTTP (/api/v1/apps…, /api/v1/grants, /api/v1/audit): the catalog
// and installer, calling apps (query, action, outputs), grants and the audit log. Thin:
// each handler parses, calls the installer or the host, renders.
#include "http/router.h"
#include "kernel/grants/grants.h"
#include "kernel/registry/installer.h"
#include "platform/host.h"

namespace krilin::api {

struct AppDeps {
  kernel::registry::Installer* installer;
  platform::AppHost* host;
  kernel::grants::Grants* grants;
};

void add_app_routes(http::Router& router, AppDeps deps);

}  // namespace krilin::api
