#pragma once
// Habit Tracker's code: the handlers of the actions and outputs its manifest declares.
#include <memory>

#include "krilin/sdk/app.h"

namespace krilin::apps::habits {

std::shared_ptr<const sdk::App> make_app();

}  // namespace krilin::apps::habits
