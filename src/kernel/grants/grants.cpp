#include "kernel/grants/grants.h"

#include "core/ids.h"

namespace krilin::kernel::grants {

using store::text;
using store::Value;

namespace {

Grant grant_of(const store::Rows& rows, std::size_t i) {
  Grant g{store::as_text(rows.rows[i][0]), store::as_text(rows.rows[i][1]), store::as_text(rows.rows[i][2]),
          store::as_text(rows.rows[i][3]), store::as_text(rows.rows[i][4]), store::as_int(rows.rows[i][5])};
  if (!store::is_null(rows.rows[i][6])) g.revoked_at = store::as_int(rows.rows[i][6]);
  return g;
}

constexpr const char* kColumns = "id, consumer, provider, kind, name, created_at, revoked_at";

}  // namespace

json::object Grant::to_json() const {
  json::object o{{"id", id}, {"consumer", consumer}, {"provider", provider}, {"kind", kind}, {"name", name},
                 {"created_at", created_at}, {"revoked_at", nullptr}};
  if (revoked_at) o["revoked_at"] = *revoked_at;
  return o;
}

asio::awaitable<void> Grants::add(store::Executor& tx, const std::string& user_id, const std::vector<Grant>& grants,
                                  std::int64_t now_ms) {
  for (const auto& g : grants) {
    store::Params p{text(user_id), text(g.consumer), text(g.provider), text(g.kind), text(g.name)};
    auto live = co_await tx.query(
        "SELECT id FROM app_grants WHERE user_id = $1 AND consumer = $2 AND provider = $3 AND kind = $4 AND name = $5 "
        "AND revoked_at IS NULL",
        std::move(p));
    if (!live.empty()) continue;
    store::Params ins{text(core::new_id()), text(user_id), text(g.consumer), text(g.provider), text(g.kind),
                      text(g.name), Value(now_ms)};
    co_await tx.execute(
        "INSERT INTO app_grants (id, user_id, consumer, provider, kind, name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        std::move(ins));
  }
}

asio::awaitable<void> Grants::remove_app(store::Executor& tx, const std::string& user_id, const std::string& app) {
  store::Params p{text(user_id), text(app)};
  co_await tx.execute("DELETE FROM app_grants WHERE user_id = $1 AND (consumer = $2 OR provider = $2)", std::move(p));
}

asio::awaitable<std::vector<Grant>> Grants::list(const std::string& user_id) {
  store::Params p{text(user_id)};
  auto rows = co_await store_.query(std::string("SELECT ") + kColumns +
                                        " FROM app_grants WHERE user_id = $1 ORDER BY consumer, provider, kind, name, id",
                                    std::move(p));
  std::vector<Grant> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(grant_of(rows, i));
  co_return out;
}

asio::awaitable<GrantState> Grants::state(const std::string& user_id, const std::string& consumer,
                                          const std::string& provider, const std::string& kind, const std::string& name) {
  co_return co_await state(store_, user_id, consumer, provider, kind, name);
}

asio::awaitable<GrantState> Grants::state(store::Executor& ex, const std::string& user_id, const std::string& consumer,
                                          const std::string& provider, const std::string& kind, const std::string& name) {
  store::Params p{text(user_id), text(consumer), text(provider), text(kind), text(name)};
  auto rows = co_await ex.query(
      "SELECT MIN(CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END) AS s FROM app_grants "
      "WHERE user_id = $1 AND consumer = $2 AND provider = $3 AND kind = $4 AND name = $5",
      std::move(p));
  if (rows.empty() || store::is_null(rows.rows[0][0])) co_return GrantState::none;
  co_return store::as_int(rows.rows[0][0]) == 0 ? GrantState::granted : GrantState::revoked;
}

asio::awaitable<Grant> Grants::revoke(const std::string& user_id, const std::string& grant_id) {
  store::Params p{Value(clock_.now_ms()), text(grant_id), text(user_id)};
  auto n = co_await store_.execute(
      "UPDATE app_grants SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL", std::move(p));
  if (n == 0) throw Exception(Error::not_found("grant_not_found", "There is no such live grant."));
  store::Params q{text(grant_id), text(user_id)};
  auto rows = co_await store_.query(std::string("SELECT ") + kColumns + " FROM app_grants WHERE id = $1 AND user_id = $2",
                                    std::move(q));
  co_return grant_of(rows, 0);
}

asio::awaitable<void> Grants::audit(const std::string& user_id, const std::string& app_id, const std::string& action,
                                    json::object detail, const std::string& address) {
  co_await audit(store_, user_id, app_id, action, std::move(detail), address, clock_.now_ms());
}

asio::awaitable<void> Grants::audit(store::Executor& ex, const std::string& user_id, const std::string& app_id,
                                    const std::string& action, json::object detail, const std::string& address,
                                    std::int64_t now_ms) {
  store::Params p{text(core::new_id()), text(user_id), text(action), text(json::serialize(detail)),
                  text(address), Value(now_ms), text(app_id)};
  co_await ex.execute(
      "INSERT INTO audit_log (id, user_id, action, detail, address, created_at, app_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      std::move(p));
}

// Built outside the coroutine (g++ 12 misreads variant temporaries in coroutine frames).
store::Statement audit_statement(const std::string& user_id, const AuditQuery& q) {
  std::string sql = "SELECT id, action, app_id, detail, address, created_at FROM audit_log WHERE user_id = $1";
  store::Params p{text(user_id)};
  if (q.app) {
    p.emplace_back(std::in_place_type<std::string>, *q.app);
    const std::string n = "$" + std::to_string(p.size());
    // Entries where the app is the reader, and reads of its data by other apps.
    sql += " AND (app_id = " + n + " OR (app_id IS NOT NULL AND detail LIKE " + "$" + std::to_string(p.size() + 1) + "))";
    p.emplace_back(std::in_place_type<std::string>, "%\"provider\":\"" + *q.app + "\"%");
  }
  if (q.since) {
    p.emplace_back(std::in_place_type<std::int64_t>, *q.since);
    sql += " AND created_at >= $" + std::to_string(p.size());
  }
  if (q.cursor) {
    p.emplace_back(std::in_place_type<std::string>, *q.cursor);
    sql += " AND id < $" + std::to_string(p.size());
  }
  p.emplace_back(std::in_place_type<std::int64_t>, static_cast<std::int64_t>(q.limit + 1));
  sql += " ORDER BY id DESC LIMIT $" + std::to_string(p.size());
  return {std::move(sql), std::move(p)};
}

asio::awaitable<AuditPage> Grants::audit_page(const std::string& user_id, const AuditQuery& q) {
  auto st = audit_statement(user_id, q);
  auto rows = co_await store_.query(std::move(st.sql), std::move(st.params));
  AuditPage page;
  const std::size_t n = std::min(rows.size(), q.limit);
  for (std::size_t i = 0; i < n; ++i) {
    boost::system::error_code ec;
    json::value detail = json::parse(store::as_text(rows.rows[i][3]), ec);
    if (ec) detail = json::object{};
    json::value app = store::is_null(rows.rows[i][2]) ? json::value(nullptr) : json::value(store::as_text(rows.rows[i][2]));
    page.entries.push_back(json::object{{"id", store::as_text(rows.rows[i][0])},
                                        {"action", store::as_text(rows.rows[i][1])},
                                        {"app_id", app},
                                        {"detail", detail},
                                        {"address", store::as_text(rows.rows[i][4])},
                                        {"created_at", store::as_int(rows.rows[i][5])}});
  }
  if (rows.size() > q.limit && n > 0) page.next_cursor = store::as_text(rows.rows[n - 1][0]);
  co_return page;
}

}  // namespace krilin::kernel::grants
