// Fuzzes SseParser: any bytes, cut into chunks of a size taken from the input, must give the
// same events as the whole input at once, never more than the bound, and never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "agents/providers/sse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using krilin::agents::SseEvent;
  using krilin::agents::SseParser;
  if (size < 1) return 0;
  const std::size_t chunk = 1 + data[0] % 17;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  constexpr std::size_t kBound = 256;
  SseParser whole(kBound), cut(kBound);
  std::vector<SseEvent> a, b;
  const bool ok_whole = whole.feed(text, a);
  bool ok_cut = true;
  for (std::size_t i = 0; i < text.size() && ok_cut; i += chunk) ok_cut = cut.feed(text.substr(i, chunk), b);
  if (ok_whole != ok_cut) std::abort();
  if (!ok_whole) return 0;
  if (a.size() != b.size()) std::abort();
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].data != b[i].data || a[i].event != b[i].event || a[i].id != b[i].id || a[i].retry != b[i].retry) std::abort();
    if (a[i].data.size() > kBound) std::abort();
  }
  return 0;
}
