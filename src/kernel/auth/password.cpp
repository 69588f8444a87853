#include "kernel/auth/password.h"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

#include "core/ids.h"

namespace krilin::kernel::auth {

extern const std::size_t kCommonPasswordCount;
extern const std::string_view kCommonPasswordData;

namespace {

const std::unordered_set<std::string_view>& common_set() {
  static const std::unordered_set<std::string_view> set = [] {
    std::unordered_set<std::string_view> s;
    s.reserve(kCommonPasswordCount);
    std::string_view rest = kCommonPasswordData;
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      s.insert(rest.substr(0, nl));
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    return s;
  }();
  return set;
}

// Code points in valid UTF-8, or -1 when the text is not valid UTF-8.
long utf8_length(std::string_view s) {
  long n = 0;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) return -1;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return -1;
    i += len;
    ++n;
  }
  return n;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::size_t common_password_count() { return common_set().size(); }

bool is_common_password(std::string_view password) { return common_set().contains(ascii_lower(password)); }

Result<void> check_password_policy(std::string_view password, std::string_view email) {
  const long n = utf8_length(password);
  if (n < 0) return Error::invalid("weak_password", "The password is not valid UTF-8 text.");
  if (n < 8) return Error::invalid("weak_password", "The password must have at least 8 characters.");
  if (n > 1024) return Error::invalid("weak_password", "The password must have at most 1024 characters.");
  if (password.find('\0') != std::string_view::npos)
    return Error::invalid("weak_password", "The password cannot contain a NUL character.");
  if (is_common_password(password))
    return Error::invalid("weak_password", "This password is among the most common ones; choose another.");
  if (!email.empty() && ascii_lower(password) == ascii_lower(email))
    return Error::invalid("weak_password", "The password cannot be your email address.");
  return {};
}

std::string hash_password(std::string_view password, const HashParams& params) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.ops, params.mem_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw Exception(Error::unavailable("out_of_memory", "The server is short of memory; try again."));
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string h(hash);  // NUL-terminated copy
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view hash, const HashParams& params) {
  ensure_sodium();
  std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), params.ops, params.mem_bytes) != 0;
}

const std::string& dummy_hash() {
  static const std::string h = hash_password(core::random_hex(16));
  return h;
}

}  // namespace krilin::kernel::auth
