#pragma once
// The checks behind `krilin doctor` that need no running server: each answers what is
// wrong and how to fix it, in words a self-hoster can act on. Blocking calls are fine
// here: doctor is a command-line tool, never run on an I/O thread.
#include <string>

namespace krilin::server {

struct CheckResult {
  bool ok = true;
  bool warning = false;  // ok, but worth a look
  std::string what;      // "data directory ./data"
  std::string detail;    // what was found
  std::string fix;       // how to fix it (empty when ok)
};

// The data directory exists or can be created, is a directory, is writable, and is not
// readable by other users (it holds the database and keys).
CheckResult check_data_dir(const std::string& dir);

// Connects to Redis (redis://[:password@]host:port[/db]), authenticates when a password
// is given, and expects PONG to PING, within timeout_ms.
CheckResult check_redis(const std::string& url, int timeout_ms);

}  // namespace krilin::server
