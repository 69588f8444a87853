#include "all_apps.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "dashboard/app.h"
#include "habit-tracker/app.h"

namespace krilin::apps {

extern const std::vector<std::pair<std::string_view, std::string_view>> kManifests;

namespace {

std::string_view manifest(std::string_view id) {
  for (const auto& [app, text] : kManifests)
    if (app == id) return text;
  throw std::logic_error("no manifest for app " + std::string(id));
}

}  // namespace

std::vector<sdk::AppBundle> all_apps() {
  std::vector<std::shared_ptr<const sdk::App>> code = {
      habits::make_app(),
      dashboard::make_app(),
  };
  std::vector<sdk::AppBundle> out;
  for (auto& app : code) out.push_back({manifest(app->id()), std::move(app)});
  return out;
}

}  // namespace krilin::apps
