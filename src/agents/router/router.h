#pragma once
// The offline intent router: matches a user's message against the `intents` an app's
// actions declare in its manifest and, when one matches with confidence, says which action
// to run with which params — no model call. Pure: no I/O; the names a slot is matched
// against (the user's own records) are given by the caller.
//
// Intent patterns (manifest `actions.<name>.intents`, see docs/manifest.md) are phrases
// with typed slots in braces; the slot types are described in docs/agents.md (numbers with
// units, dates like "today"/"tomorrow"/"monday" in the user's time zone, times, free text,
// and names matched against the user's records of a table). Thread-safe after construction.
#include <cstdint>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kernel/registry/catalog.h"
#include "krilin/sdk/json.h"

namespace krilin::agents {

// A record a name slot may match: its id and its name (e.g. a habit's id and name).
struct NamedRecord {
  std::string id, name;
};

struct RouteContext {
  std::int64_t now_ms = 0;
  std::string time_zone = "UTC";  // IANA
  // The user's records for each name source of the app (see name_sources), keyed
  // "table.field": the caller queried the app's storage for the user beforehand.
  std::map<std::string, std::vector<NamedRecord>> records;
};

struct IntentMatch {
  std::string action;
  json::object params;       // valid against the action's params schema
  double confidence = 0;     // 0..1; matches under the router's threshold are not returned
  std::string pattern;       // the intent that matched
  std::map<std::string, std::string> slots;  // slot name → the words it matched, for replies
  // Added: slot name → how a reply names it (the record's name for a name slot, "today" /
  // "Monday 30 November" for a date, "7 pm" for a time), defaults included.
  std::map<std::string, std::string> display;
};

// Added: where the records of one name source come from — the app's table, the field
// holding the name, and the filter its manifest declares (e.g. {"archived": false}); the
// caller queries `table` with `where` for the user and fills RouteContext::records[key]
// with {id, data[field]}.
struct NameSource {
  std::string key;  // "table.field"
  std::string table, field;
  json::object where;
};

// A match needs at least this confidence (docs/agents.md: the share of the message
// the pattern explains, light words counting 0.3, times the worst name match quality).
inline constexpr double kConfidenceThreshold = 0.75;
// Two readings of one message closer than this (different action or params, equally
// specific) are ambiguous: no match.
inline constexpr double kAmbiguityMargin = 0.02;
// Longer messages are for a model, not for the router.
inline constexpr std::size_t kMaxMessageBytes = 500;
inline constexpr std::size_t kMaxMessageWords = 40;

class IntentRouter {
 public:
  explicit IntentRouter(const kernel::registry::Catalog& catalog);
  // The "table.field" name sources the app's intents match names against (what
  // RouteContext::records must hold).
  std::vector<std::string> name_sources(const std::string& app_id) const;
  // Added: the same sources with the table, field and filter to query them with.
  std::vector<NameSource> name_source_queries(const std::string& app_id) const;
  // The best confident match among `app_id`'s actions, or nothing.
  std::optional<IntentMatch> match(const std::string& app_id, const std::string& message,
                                   const RouteContext& context) const;
  // A plain sentence answering the user from the action's result (the action's `reply`
  // template in the manifest when it has one, else a generic summary).
  std::string reply(const std::string& app_id, const IntentMatch& match, const json::value& result) const;
  // What this app's agent can do without a model, in plain words (for "I can't do that
  // without a model; I can: …").
  std::vector<std::string> capabilities(const std::string& app_id) const;
  // Added: the answer when nothing matched and no model is configured — says plainly that
  // this needs a model and lists the capabilities ("I can't do that without an AI model.
  // Here is what I can do: …").
  std::string fallback(const std::string& app_id) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace krilin::agents
