#pragma once
// The notifications centre over HTTP: list (newest first, paged, ?unread=true), mark read,
// mark all read, delete, and per-app mutes.
#include "http/router.h"
#include "kernel/notifications/notifications.h"

namespace krilin::api {

void add_notification_routes(http::Router& router, kernel::notifications::Notifications& notifications);

}  // namespace krilin::api
