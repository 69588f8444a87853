#pragma once
// The web desktop's per-user document (its dashboards and where each widget sits) over HTTP:
//
//   GET /api/v1/me/desktop  → {dashboards, active, version}; an account that never saved one
//                             answers {dashboards: [], active: null, version: 0}.
//   PUT /api/v1/me/desktop  {dashboards, active} → the same shape with the new version.
//
// The document is schema-checked by the route table and bounded (kMaxDesktopBytes, 413
// `desktop_too_large`). Optimistic concurrency: the answer carries ETag "<version>"; a PUT with
// If-Match "<version>" that is no longer current is 409 `version_conflict` (the body of the
// error does not carry the document: GET it again). A PUT without If-Match overwrites.
// Stored one row per user (table user_desktops, migration 9), deleted with the account.
#include <cstddef>

#include "http/router.h"
#include "store/store.h"

namespace krilin::api {

inline constexpr std::size_t kMaxDesktopBytes = 64 * 1024;

void add_desktop_routes(http::Router& router, store::Store& store);

}  // namespace krilin::api
