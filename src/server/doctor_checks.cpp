#include "server/doctor_checks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "bus/redis/client.h"
#include "core/blocking_pool.h"

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
  auto endpoint = bus::parse_redis_url(url);
  if (!endpoint) {
    r.ok = false;
    r.detail = "is not a redis:// URL";
    r.fix = "Set KRILIN_REDIS_URL to redis://[:password@]host:port, or unset it for the "
            "in-process bus.";
    return r;
  }
  // The same client the server uses, so that doctor tests what serve will do.
  core::BlockingPool pool(1, 4);
  bus::RedisClient client({.url = url, .pool_size = 1, .timeout = std::chrono::milliseconds(timeout_ms)}, pool);
  boost::asio::io_context io;
  auto reply = boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<std::vector<bus::RedisReply>> {
    std::vector<std::vector<std::string>> ping{{"PING"}};
    co_return co_await client.pipeline(std::move(ping));
  }, boost::asio::use_future);
  io.run();
  try {
    auto replies = reply.get();
    if (replies[0].type != bus::RedisReply::Type::status || replies[0].str != "PONG")
      throw Exception(Error::unavailable("redis_unavailable", "no PONG to PING: " + replies[0].str));
    r.detail = "answers PING";
  } catch (const Exception& e) {
    r.ok = false;
    r.detail = e.error().message;
    r.fix = "Start Redis at " + endpoint->host + ":" + std::to_string(endpoint->port) +
            " or correct KRILIN_REDIS_URL; check firewalls and the password.";
  }
  pool.join();
  return r;
}

}  // namespace krilin::server
