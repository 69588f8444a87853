#pragma once
// Every app of this build, listed explicitly (STYLE.md habit 9): its manifest (compiled in
// from apps/<id>/manifest.json) and its code.
#include <vector>

#include "krilin/sdk/app.h"

namespace krilin::apps {

std::vector<sdk::AppBundle> all_apps();

}  // namespace krilin::apps
