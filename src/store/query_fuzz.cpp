// libFuzzer target: any bytes as a JSON query → the query compiler, for both dialects.
// Either it refuses with a 400-class error, or the SQL it wrote holds only its own text:
// numbered placeholders each bound to one parameter, no client text. Then the SQLite
// $n → ?n rewrite runs over the result.
//   build-fuzz/src/store/store_query_fuzz -max_total_time=600 src/store/fuzz_corpus/store_query_fuzz
#include <cctype>
#include <cstdlib>

#include "store/query.h"
#include "store/sql.h"

namespace {

using namespace krilin;
using namespace krilin::store;

const std::vector<TableSpec>& tables() {
  static const std::vector<TableSpec> t = {
      {.app = "habit-tracker",
       .name = "habits",
       .fields = {{"name", FieldType::string}, {"streak", FieldType::integer}, {"score", FieldType::number},
                  {"active", FieldType::boolean}, {"tags", FieldType::array}, {"meta", FieldType::object},
                  {"extra", FieldType::any}}}};
  return t;
}

void check(const CompiledQuery& q) {
  std::size_t highest = 0;
  for (std::size_t i = 0; i < q.sql.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(q.sql[i]);
    // Only what the compiler writes: ASCII letters, digits, punctuation of SQL.
    if (c < 0x20 || c > 0x7e || c == ';') std::abort();
    if (c == '$' && i + 1 < q.sql.size() && std::isdigit(static_cast<unsigned char>(q.sql[i + 1])))
      highest = std::max<std::size_t>(highest, std::strtoul(q.sql.c_str() + i + 1, nullptr, 10));
  }
  if (highest != q.params.size()) std::abort();
  (void)sql::to_sqlite_placeholders(q.sql);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  json::value v = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, opts);
  if (ec) return 0;
  for (Dialect d : {Dialect::sqlite, Dialect::postgres}) {
    auto q = compile_query(v, tables(), "user-1", d);
    if (q.ok()) {
      check(*q);
    } else if (q.error().kind != ErrorKind::invalid_input) {
      std::abort();
    }
  }
  return 0;
}
