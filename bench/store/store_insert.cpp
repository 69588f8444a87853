// The store side of bench/store.sh: JSON rows inserted through krilin's Store into
// PostgreSQL by CLIENTS concurrent coroutines for SECONDS, one INSERT per call (each its
// own transaction, like pgbench's), or in batches of BATCH rows sent in pipeline mode.
//   bench_store_insert URL SECONDS CLIENTS BATCH   prints one JSON object
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "core/blocking_pool.h"
#include "core/ids.h"
#include "store/store.h"

using namespace krilin;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

const char* kRow = R"({"title":"Buy milk","done":false,"priority":2,"tags":["home","errands"]})";
const char* kInsert = "INSERT INTO bench_store (id, user_id, data, created_at) VALUES ($1, $2, $3, $4)";

store::Statement row() {
  return {kInsert, {store::text(core::new_id()), store::text("bench-user"), store::text(kRow), store::Value(std::int64_t{1700000000000})}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: bench_store_insert URL SECONDS CLIENTS BATCH\n";
    return 2;
  }
  const std::string url = argv[1];
  const auto seconds = std::chrono::seconds(std::atoi(argv[2]));
  const int clients = std::atoi(argv[3]);
  const int batch = std::max(1, std::atoi(argv[4]));

  asio::io_context io(2);
  core::BlockingPool pool(2, 64);
  store::StoreOptions o;
  o.url = url;
  o.pool_size = static_cast<std::size_t>(clients);
  auto st = asio::co_spawn(io, store::open_store(o, pool, io.get_executor()), asio::use_future);
  std::thread t1([&] { io.run(); });
  auto s = st.get();
  t1.join();
  io.restart();

  std::atomic<long> rows{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
  const auto end = Clock::now() + seconds;
  std::vector<std::future<void>> done;
  for (int c = 0; c < clients; ++c) {
    done.push_back(asio::co_spawn(io, [&, c]() -> asio::awaitable<void> {
      auto& lat = latencies[static_cast<std::size_t>(c)];
      while (Clock::now() < end) {
        auto t0 = Clock::now();
        if (batch == 1) {
          auto r = row();
          co_await s->execute(std::move(r.sql), std::move(r.params));
        } else {
          std::vector<store::Statement> b;
          for (int i = 0; i < batch; ++i) b.push_back(row());
          co_await s->batch(std::move(b));
        }
        lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        rows += batch;
      }
    }, asio::use_future));
  }
  const auto start = Clock::now();
  std::thread t2([&] { io.run(); });
  io.run();
  t2.join();
  for (auto& f : done) f.get();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p * all.size()))]; };

  io.restart();
  auto closed = asio::co_spawn(io, s->close(), asio::use_future);
  io.run();
  closed.get();

  std::cout << "{\"rows_per_second\": " << static_cast<long>(rows.load() / elapsed) << ", \"calls_per_second\": "
            << static_cast<long>(static_cast<double>(all.size()) / elapsed) << ", \"p50_ms\": " << pct(0.5)
            << ", \"p99_ms\": " << pct(0.99) << ", \"clients\": " << clients << ", \"batch\": " << batch << "}\n";
  return 0;
}
