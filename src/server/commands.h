#pragma once
// The subcommands of the krilin binary. Each returns the process exit code.
#include "core/config.h"

namespace krilin::server {

int cmd_version();
int cmd_config(const core::Config& config);
int cmd_migrate(const core::Config& config);
int cmd_doctor(const core::Config& config);
int cmd_serve(const core::Config& config);

}  // namespace krilin::server
