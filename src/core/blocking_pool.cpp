#include "core/blocking_pool.h"

namespace krilin::core {

BlockingPool::BlockingPool(std::size_t threads, std::size_t max_pending)
    : threads_(threads), max_pending_(max_pending), pool_(threads) {}

BlockingPool::~BlockingPool() { join(); }

void BlockingPool::join() { pool_.join(); }

void BlockingPool::admit() {
  if (pending_.fetch_add(1) >= max_pending_) {
    pending_.fetch_sub(1);
    throw Exception(Error::unavailable(
        "overloaded", "The server is busy; try again in a moment.", 1));
  }
}

}  // namespace krilin::core
