#pragma once
// StaticFiles: the built web desktop (web/dist) served by `krilin serve`.
//
// Every regular file under the directory is read into memory once, at start (the build
// output is a few hundred KiB), so serving never touches the disk and never blocks an I/O
// thread; a rebuilt desktop is picked up at the next start. Text files (HTML, JS, CSS, SVG,
// JSON) are also kept gzip-compressed and sent that way to clients that accept it.
//
// What a GET or HEAD answers:
//   - a file that exists: its bytes, its Content-Type, a strong ETag (304 on a matching
//     If-None-Match) and a Cache-Control that depends on the name: files under /assets/
//     (Vite's content-hashed output) are `public, max-age=31536000, immutable`; every
//     other file, index.html above all, is `no-cache` (revalidated on each load);
//   - a missing file under /assets/: 404 in the JSON error envelope (answering HTML for a
//     script would only confuse the browser);
//   - any other path: index.html, so that the desktop's client-side router handles it
//     (the SPA fallback).
// Paths are matched exactly against the files read at start: a request cannot name
// anything outside the directory ("..", "." and malformed percent-escapes answer 404).
//
// Immutable after construction; serve() may run on any thread concurrently.
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/router.h"
#include "http/types.h"

namespace krilin::http {

class StaticFiles {
 public:
  // Reads `dir` recursively: regular files only (symlinks are skipped), hidden files
  // (a segment starting with '.') skipped, at most `max_total_bytes` in all. Errors:
  // invalid_input `web_not_built` when `dir` does not exist or has no index.html (the
  // message says how to build it), and `web_too_large` past the bound. Blocking: call it
  // at start, before serving.
  static Result<StaticFiles> load(const std::filesystem::path& dir,
                                  std::size_t max_total_bytes = std::size_t{256} << 20);
  // The same from files already in memory, keyed by their path relative to the root
  // ("index.html", "assets/app-1234abcd.js"). Must contain index.html (asserted).
  static StaticFiles from_memory(const std::map<std::string, std::string>& files);

  // The answer to a GET or HEAD of `request.path` (see above). Honours the request's
  // If-None-Match and Accept-Encoding headers.
  Response serve(const Request& request) const;

  std::size_t file_count() const { return files_.size(); }
  std::size_t total_bytes() const { return total_bytes_; }

 private:
  struct File {
    std::string body;
    std::string gzip;  // empty when not worth compressing
    std::string content_type;
    std::string cache_control;
    std::string etag;       // of body
    std::string gzip_etag;  // of the gzip representation
    bool is_html = false;
  };
  static File make_file(const std::string& name, std::string body);
  Response answer(const File& f, const Request& request) const;

  std::unordered_map<std::string, File> files_;  // key: "/index.html", "/assets/x.js"
  std::size_t total_bytes_ = 0;
};

// Whether a path belongs to the desktop at all: false for /api, /ws, /health and /metrics
// and everything under them, which keep their JSON answers (a 404 in the envelope).
bool is_desktop_path(std::string_view path);

// The Content-Type for a file name, by its extension (application/octet-stream when unknown).
std::string_view content_type_for(std::string_view name);

// Serves `files` as the router's fallback: GET and HEAD of desktop paths no route matches.
void add_static_files(Router& router, std::shared_ptr<const StaticFiles> files);

// The fallback when the desktop was not built: desktop paths answer 404 with a short HTML
// page that says how to build it (`message`), API paths keep their envelope.
void add_missing_web_notice(Router& router, std::string message);

}  // namespace krilin::http
