#pragma once
// The subcommands of the krilin binary. Each returns the process exit code.
#include <string>

#include "core/config.h"

namespace krilin::server {

int cmd_version();
int cmd_config(const core::Config& config);
int cmd_migrate(const core::Config& config);
int cmd_doctor(const core::Config& config);
int cmd_serve(const core::Config& config);

// krilin user add|list|disable|enable|reset-mfa
struct UserCommand {
  std::string action;  // add, list, disable, enable, reset-mfa
  std::string email, name;
  bool admin = false;
};
int cmd_user(const core::Config& config, const UserCommand& command);

// krilin app check MANIFEST
int cmd_app_check(const std::string& path);

// krilin keys rotate
int cmd_keys_rotate(const core::Config& config);

}  // namespace krilin::server
