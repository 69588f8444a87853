#pragma once
// Real time over HTTP: POST /api/v1/ws-ticket (a single-use ticket for the signed-in user)
// and GET /ws?ticket=… (the WebSocket; protocol in platform/realtime.h).
#include "http/router.h"
#include "platform/realtime.h"

namespace krilin::api {

void add_realtime_routes(http::Router& router, platform::Realtime& realtime);

}  // namespace krilin::api
