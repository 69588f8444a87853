#pragma once
// Krilin's configuration: one table of settings (kSettings), each with an environment
// variable, a key in the optional TOML file, a default and a sentence of documentation.
// Precedence, lowest first: default < TOML file (--config) < KRILIN_* environment <
// command-line flags. docs/configuration.md documents every entry (a test checks it).
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "krilin/sdk/result.h"

namespace krilin::core {

enum class SettingType { string, integer, boolean };

struct Setting {
  const char* name;     // the key in Config::values and on `krilin config`
  const char* env;      // KRILIN_...
  const char* toml;     // dotted key in the TOML file
  SettingType type;
  const char* default_value;
  bool secret;          // masked by describe()
  const char* doc;      // one sentence
};

// Every setting Krilin reads. Adding one here makes it configurable everywhere.
std::span<const Setting> settings();

enum class Mode { embedded, scale_out };

class Config {
 public:
  // Loads defaults, then `toml_path` when set, then the environment (via `getenv`, which
  // tests replace), then `overrides` (from the command line, by setting name).
  // Unknown TOML keys, malformed numbers and out-of-range values are errors that name
  // the setting and where it came from.
  using Getenv = const char* (*)(const char*);
  static Result<Config> load(const std::optional<std::string>& toml_path,
                             const std::map<std::string, std::string>& overrides,
                             Getenv getenv_fn = nullptr);
  // A config with only defaults (and `overrides`), for tests.
  static Config defaults(const std::map<std::string, std::string>& overrides = {});

  const std::string& str(const std::string& name) const;
  std::int64_t integer(const std::string& name) const;
  bool boolean(const std::string& name) const;

  // Derived values.
  Mode mode() const;               // scale_out when database_url is PostgreSQL
  std::string database_url() const;  // sqlite:<data_dir>/krilin.db when unset
  std::string listen_host() const;
  std::uint16_t listen_port() const;
  int io_threads() const;          // 0 in the setting means one per core

  struct Line {
    std::string name, value, source;  // source: default | file | env | flag
  };
  // The effective configuration, secrets masked, for `krilin config`.
  std::vector<Line> describe() const;

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> sources_;
};

// Replaces the password in a URL (user:secret@host) with ****.
std::string mask_url_secret(const std::string& url);

}  // namespace krilin::core
