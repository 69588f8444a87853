#include "server/doctor_checks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <boost/url/parse.hpp>
#include <hiredis/hiredis.h>

#include "core/config.h"

namespace krilin::server {

CheckResult check_data_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  CheckResult r{.what = "data directory " + dir};
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) {
      r.ok = false;
      r.detail = "does not exist and cannot be created: " + ec.message();
      r.fix = "Create it (mkdir -p " + dir + ") as the user that runs krilin, or point "
              "KRILIN_DATA_DIR / --data-dir at a writable place.";
      return r;
    }
    ::chmod(dir.c_str(), 0700);
  }
  if (!fs::is_directory(dir, ec)) {
    r.ok = false;
    r.detail = "exists but is not a directory";
    r.fix = "Move the file away or choose another KRILIN_DATA_DIR.";
    return r;
  }
  std::string probe = dir + "/.krilin-doctor-probe";
  {
    std::ofstream out(probe);
    out << "probe";
    if (!out) {
      r.ok = false;
      r.detail = "is not writable by this user (uid " + std::to_string(::getuid()) + ")";
      r.fix = "chown it to the user that runs krilin, or chmod u+w " + dir + ".";
      return r;
    }
  }
  fs::remove(probe, ec);
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    r.warning = true;
    r.detail = "is readable by other users (mode " + std::to_string((st.st_mode >> 6) & 7) +
               std::to_string((st.st_mode >> 3) & 7) + std::to_string(st.st_mode & 7) + ")";
    r.fix = "chmod 700 " + dir + " — it holds the database and keys.";
    return r;
  }
  r.detail = "exists, writable, private";
  return r;
}

CheckResult check_redis(const std::string& url, int timeout_ms) {
  CheckResult r{.what = "redis " + core::mask_url_secret(url)};
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "redis" || parsed->host().empty()) {
    r.ok = false;
    r.detail = "is not a redis:// URL";
    r.fix = "Set KRILIN_REDIS_URL to redis://[:password@]host:port, or unset it for the "
            "in-process bus.";
    return r;
  }
  std::string host = parsed->host();
  int port = parsed->has_port() ? std::stoi(std::string(parsed->port())) : 6379;
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  redisContext* c = redisConnectWithTimeout(host.c_str(), port, tv);
  auto fail = [&](const std::string& why) {
    r.ok = false;
    r.detail = why;
    r.fix = "Start Redis at " + host + ":" + std::to_string(port) +
            " or correct KRILIN_REDIS_URL; check firewalls and the password.";
    if (c) redisFree(c);
    return r;
  };
  if (!c || c->err) return fail(std::string("cannot connect: ") + (c ? c->errstr : "out of memory"));
  redisSetTimeout(c, tv);
  if (parsed->has_password()) {
    std::string pw = parsed->password();
    auto* reply = static_cast<redisReply*>(redisCommand(c, "AUTH %s", pw.c_str()));
    bool ok = reply && reply->type != REDIS_REPLY_ERROR;
    if (reply) freeReplyObject(reply);
    if (!ok) return fail("authentication failed");
  }
  auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
  bool pong = reply && reply->type == REDIS_REPLY_STATUS && std::string(reply->str) == "PONG";
  if (reply) freeReplyObject(reply);
  if (!pong) return fail(std::string("no PONG to PING") + (c->err ? ": " + std::string(c->errstr) : ""));
  redisFree(c);
  r.detail = "answers PING";
  return r;
}

}  // namespace krilin::server
