// Build-time check of the apps (run by the build, see src/server/CMakeLists.txt; it
// lives with the assembly because it needs the platform, which no app may include):
//   - every manifest is valid and the catalog they form is consistent;
//   - each app's code implements exactly the actions, outputs and streams its manifest
//     declares (AppHost::binding_problems);
//   - the files given as arguments (the apps' sources) include only the SDK
//     ("krilin/sdk/…"), files of their own folder, or system and library headers <…>
//     outside our tree: an app reaches the platform through ctx alone.
// Prints each problem and exits 1 on any.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "all_apps.h"
#include "kernel/registry/catalog.h"
#include "platform/host.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> include_problems(const fs::path& file) {
  static const std::regex include_re(R"re(^\s*#\s*include\s*([<"])([^>"]+)[>"])re");
  static const char* layers[] = {"core/", "http/", "store/", "bus/", "blob/", "kernel/", "platform/",
                                 "agents/", "integrations/", "api/", "server/", "krilin/"};
  std::vector<std::string> out;
  std::ifstream in(file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    std::smatch m;
    if (!std::regex_search(line, m, include_re)) continue;
    const std::string what = m[2];
    const std::string where = file.string() + ":" + std::to_string(n) + ": ";
    if (what.rfind("krilin/sdk/", 0) == 0) continue;
    if (m[1] == "\"") {
      if (what.find('/') == std::string::npos && fs::exists(file.parent_path() / what)) continue;
      out.push_back(where + "apps include only the SDK and files of their own folder, not \"" + what + "\"");
      continue;
    }
    for (const char* layer : layers)
      if (what.rfind(layer, 0) == 0) out.push_back(where + "apps may not include <" + what + ">: use ctx");
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> problems;
  auto bundles = krilin::apps::all_apps();
  std::vector<krilin::json::value> manifests;
  for (const auto& b : bundles) {
    boost::system::error_code ec;
    manifests.push_back(krilin::json::parse(b.manifest_json, ec));
    if (ec) problems.push_back(b.app->id() + ": manifest.json is not valid JSON (" + ec.message() + ")");
  }
  auto catalog = krilin::kernel::registry::Catalog::build(manifests);
  if (!catalog) {
    problems.push_back(catalog.error().message);
  } else {
    for (const auto& b : bundles) {
      const auto* spec = catalog->find(b.app->id());
      if (!spec) {
        problems.push_back(b.app->id() + ": the code's id matches no manifest");
        continue;
      }
      auto p = krilin::platform::AppHost::binding_problems(*spec, *b.app);
      problems.insert(problems.end(), p.begin(), p.end());
    }
  }
  for (int i = 1; i < argc; ++i) {
    auto p = include_problems(argv[i]);
    problems.insert(problems.end(), p.begin(), p.end());
  }
  for (const auto& p : problems) std::cerr << "check_apps: " << p << "\n";
  if (!problems.empty()) return 1;
  std::cout << "check_apps: " << bundles.size() << " app(s) match their manifests\n";
  return 0;
}
