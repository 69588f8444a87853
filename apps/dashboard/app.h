#pragma once
// Analytics Dashboard's code: the productivity_score output over the granted sources.
#include <memory>

#include "krilin/sdk/app.h"

namespace krilin::apps::dashboard {

std::shared_ptr<const sdk::App> make_app();

}  // namespace krilin::apps::dashboard
