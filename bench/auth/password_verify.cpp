// The baseline of bench/auth.sh: how many argon2id verifications (krilin's parameters,
// m = 19 MiB, t = 2, p = 1) this machine does per second on one core and on all cores,
// calling libsodium directly. A login costs one verification, so this is the ceiling of
// logins per second.
//   bench_password_verify SECONDS   prints one JSON object
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "kernel/auth/password.h"

using Clock = std::chrono::steady_clock;

namespace {

double rate(int threads, std::chrono::seconds d, const std::string& hash) {
  std::atomic<long> n{0};
  const auto end = Clock::now() + d;
  std::vector<std::thread> ts;
  const auto start = Clock::now();
  for (int i = 0; i < threads; ++i)
    ts.emplace_back([&] {
      while (Clock::now() < end) {
        if (!krilin::kernel::auth::verify_password(hash, "correct horse battery staple")) std::abort();
        ++n;
      }
    });
  for (auto& t : ts) t.join();
  return static_cast<double>(n.load()) / std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const auto seconds = std::chrono::seconds(argc > 1 ? std::atoi(argv[1]) : 5);
  const std::string hash = krilin::kernel::auth::hash_password("correct horse battery staple");
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const double one = rate(1, seconds, hash);
  const double all = rate(cores, seconds, hash);
  std::size_t params_end = 0;
  for (int i = 0; i < 3 && params_end != std::string::npos; ++i) params_end = hash.find('$', params_end + 1);
  std::cout << "{\"hash\": \"" << hash.substr(0, params_end) << "\", \"cores\": " << cores
            << ", \"verifications_per_second_one_core\": " << static_cast<long>(one)
            << ", \"verifications_per_second_all_cores\": " << static_cast<long>(all) << "}\n";
}
