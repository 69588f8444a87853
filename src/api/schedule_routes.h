#pragma once
// The user's schedules over HTTP: what the apps scheduled for them, each schedule's run
// history with errors, and cancelling one.
#include "http/router.h"
#include "kernel/scheduler/scheduler.h"

namespace krilin::api {

void add_schedule_routes(http::Router& router, kernel::scheduler::Scheduler& scheduler);

}  // namespace krilin::api
