// krilin: the one binary. Parses the command line (CLI11), loads the configuration and
// hands over to the command. The commands, and the assembly of the running server, live
// in commands.cpp.
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/config.h"
#include "server/commands.h"

namespace {

struct CommonOptions {
  std::string config_file;
  std::string listen;
  std::string data_dir;
};

void add_common(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("--config", o.config_file, "TOML configuration file");
  cmd->add_option("--listen", o.listen, "HOST:PORT to listen on (env KRILIN_LISTEN)");
  cmd->add_option("--data-dir", o.data_dir, "data directory (env KRILIN_DATA_DIR)");
}

std::optional<krilin::core::Config> load(const CommonOptions& o) {
  std::map<std::string, std::string> overrides;
  if (!o.listen.empty()) overrides["listen"] = o.listen;
  if (!o.data_dir.empty()) overrides["data_dir"] = o.data_dir;
  std::optional<std::string> file;
  if (!o.config_file.empty()) file = o.config_file;
  auto config = krilin::core::Config::load(file, overrides);
  if (!config) {
    std::cerr << "krilin: " << config.error().message << "\n"
              << "See docs/configuration.md for every setting and its default.\n";
    return std::nullopt;
  }
  return std::move(*config);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Krilin — a self-hostable cloud operating system for personal productivity"};
  app.require_subcommand(1);
  CommonOptions opts;

  auto* serve = app.add_subcommand("serve", "Serve the API and the desktop");
  add_common(serve, opts);
  auto* migrate = app.add_subcommand("migrate", "Apply pending database migrations");
  add_common(migrate, opts);
  auto* config = app.add_subcommand("config", "Print the effective configuration (secrets masked)");
  add_common(config, opts);
  auto* doctor = app.add_subcommand("doctor", "Check the setup and say how to fix what is wrong");
  add_common(doctor, opts);
  auto* version = app.add_subcommand("version", "Print the version");
  auto* apps = app.add_subcommand("app", "Work with app manifests");
  apps->require_subcommand(1);
  std::string manifest_path;
  auto* app_check = apps->add_subcommand("check", "Validate an app manifest and say precisely what is wrong");
  app_check->add_option("manifest", manifest_path, "path to manifest.json")->required();
  auto* keys = app.add_subcommand("keys", "Manage the token signing keys");
  add_common(keys, opts);
  keys->require_subcommand(1);
  auto* keys_rotate = keys->add_subcommand("rotate", "Start signing with a new key (the previous one stays valid)");
  keys_rotate->fallthrough();
  auto* user = app.add_subcommand("user", "Manage accounts from the server's shell");
  add_common(user, opts);
  user->require_subcommand(1);
  krilin::server::UserCommand uc;
  auto* user_add = user->add_subcommand("add", "Create an account; the password is read from standard input");
  user_add->add_option("--email", uc.email, "email address")->required();
  user_add->add_option("--name", uc.name, "display name")->required();
  user_add->add_flag("--admin", uc.admin, "make it an administrator");
  user_add->fallthrough();  // --config/--data-dir after the verb belong to `user`
  user->add_subcommand("list", "List every account")->fallthrough();
  for (const char* a : {"disable", "enable", "reset-mfa"}) {
    auto* sub = user->add_subcommand(a, std::string(a == std::string("reset-mfa") ? "Turn two-step sign-in off for"
                                                    : a == std::string("disable") ? "Disable (and sign out)"
                                                                                  : "Enable") + " an account");
    sub->add_option("email", uc.email, "the account's email")->required();
    sub->fallthrough();
  }

  // An unknown word where the command goes: name it and list the commands (CLI11 alone
  // would only say that a subcommand is required).
  auto known = [&](const char* word) {
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
      if (sub->get_name() == word) return true;
    return false;
  };
  if (argc > 1 && argv[1][0] != '-' && !known(argv[1])) {
    std::cerr << "krilin: unknown command '" << argv[1] << "'\n\n" << app.help();
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (argc == 1) {
      std::cerr << app.help();
      return 2;
    }
    return app.exit(e);
  }

  if (version->parsed()) return krilin::server::cmd_version();
  if (app_check->parsed()) return krilin::server::cmd_app_check(manifest_path);
  auto cfg = load(opts);
  if (!cfg) return 2;
  if (serve->parsed()) return krilin::server::cmd_serve(*cfg);
  if (migrate->parsed()) return krilin::server::cmd_migrate(*cfg);
  if (config->parsed()) return krilin::server::cmd_config(*cfg);
  if (doctor->parsed()) return krilin::server::cmd_doctor(*cfg);
  if (keys_rotate->parsed()) return krilin::server::cmd_keys_rotate(*cfg);
  if (user->parsed()) {
    for (auto* sub : user->get_subcommands()) uc.action = sub->get_name();
    return krilin::server::cmd_user(*cfg, uc);
  }
  return 2;
}
