// libFuzzer target: arbitrary bytes as an access token, a Cookie header and an email
// address. No input may crash; no token forged without the key may verify; every refusal
// is a 401.
//   build-fuzz/src/kernel/auth_token_fuzz -max_total_time=600 src/kernel/fuzz_corpus/auth_token_fuzz
#include <cstdlib>
#include <string>

#include "kernel/auth/cookies.h"
#include "kernel/auth/service.h"
#include "kernel/auth/tokens.h"

using namespace krilin;
using namespace krilin::kernel::auth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const TokenSigner signer("krilin", "krilin-api", std::string(32, 'k'));
  std::string input(reinterpret_cast<const char*>(data), size);
  auto r = signer.verify(input, 1'800'000'000);
  // Only a token signed with the key can verify, and the fuzzer cannot sign.
  if (r.ok() || r.error().kind != ErrorKind::unauthenticated) std::abort();
  (void)cookie_value(input, "krilin_refresh");
  auto email = normalize_email(input);
  if (email.ok() && email->find('@') == std::string::npos) std::abort();
  return 0;
}
