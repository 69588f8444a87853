// The load client of bench/ws.sh: many WebSockets on /ws of a running `krilin serve`, each
// opened with its own single-use ticket and subscribed to one stream, all driven by one
// io_context thread (the client shares this machine's cores with the server, so it stays
// lean: no JSON parser on the hot path, no per-message allocation but the read buffer's).
//
//   bench_ws idle   --port P --token T --server-pid PID --connections N
//        Opens a few warm-up sockets, lets the server settle, reads its VmRSS/RssAnon from
//        /proc/PID/status, opens N more (in two halves, reading again after each), and
//        prints the growth per idle connection. --hold S keeps the sockets open S seconds
//        more (to take a heap profile of the idle server).
//   bench_ws fanout --port P --token T --server-pid PID --connections N --habit ID
//                   [--light-events L --light-rate LR] --events E --rate R
//        Opens N sockets (of the token's user, on habit-tracker/completion_updates), then
//        drives events by alternating log_completion / undo_completion on habit ID (each
//        publishes exactly one event): a warm-up, L events paced at LR per second (light:
//        one fan-out at a time), E events paced at R per second, and E events back to back
//        (each action sent when the previous one answered). The time
//        just before each action request is kept by the sequence number the event will
//        carry (the stream's head + k), and every receipt on every socket is matched to it.
//
// Tickets come from POST /api/v1/ws-ticket, pipelined (a batch of requests written at
// once, the answers read in order) over a few keep-alive connections, and are used at
// once (they live 30 s). Prints one JSON object on stdout, progress on stderr; exits 1
// with a message when anything is refused, lost, duplicated or out of order.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kSubscribe =
    R"({"type":"subscribe","app_id":"habit-tracker","stream_id":"completion_updates"})";
constexpr int kTicketFetchers = 4;   // keep-alive connections pipelining ticket requests
constexpr int kTicketBatch = 64;     // requests written at once on one of them
constexpr int kMaxHandshaking = 256; // sockets between ticket and "subscribed"

struct Options {
  std::string mode;
  unsigned short port = 0;
  std::string token;
  int server_pid = 0;
  int connections = 10000;
  int warmup_connections = 200;
  double settle_seconds = 4;
  double hold_seconds = 0;  // idle: keep the sockets open this long after printing
  std::string habit;
  int events = 200;
  double rate = 10;
  int warmup_events = 4;
  int light_events = 20;  // fanout: a first series at light_rate, below saturation
  double light_rate = 1;
};

[[noreturn]] void die(const std::string& what) {
  std::cerr << "bench_ws: " << what << std::endl;
  std::fflush(stdout);
  std::_Exit(1);
}

std::optional<std::int64_t> number_after(std::string_view text, std::string_view key) {
  auto at = text.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  const char* p = text.data() + at + key.size();
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(p, text.data() + text.size(), v);
  if (ec != std::errc{}) return std::nullopt;
  return v;
}

// The server's resident memory (kB) from /proc/PID/status, by field name.
std::map<std::string, long> proc_status(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) die("cannot read /proc/" + std::to_string(pid) + "/status");
  std::map<std::string, long> out;
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    if (key != "VmRSS" && key != "RssAnon" && key != "RssFile" && key != "VmHWM" && key != "Threads") continue;
    out[key] = std::atol(line.c_str() + colon + 1);
  }
  return out;
}

// CPU seconds (user + system) of a process so far: the server from /proc/PID/stat, this
// client from getrusage. On a shared machine these say what a delivery costs whatever
// else runs.
double server_cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) die("cannot read /proc/" + std::to_string(pid) + "/stat");
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; fields >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(f);
    if (i == 15) break;
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double client_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

long open_fds(int pid) {
  long n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

// One series of events: the sequence numbers [first, first + count) of the stream.
struct Series {
  std::string name;
  std::int64_t first = 0;
  int count = 0;
  std::vector<Clock::time_point> sent;    // just before each action request, by seq - first
  std::vector<Clock::time_point> answered;  // when its answer was read (events may come first)
  std::vector<std::uint32_t> latency_us;  // receive − send, every delivery
  std::vector<std::int32_t> after_answer_us;  // receive − answer (negative: before it)
  std::vector<std::uint32_t> action_us;   // action request → answer
  std::vector<std::pair<std::size_t, Clock::time_point>> early;  // receipts before the answer
  std::int64_t received = 0;
  Clock::time_point first_send{}, last_receive{};
  double server_cpu = 0, client_cpu = 0;  // seconds, from the first send to the last receipt
};

struct Socket {
  explicit Socket(asio::io_context& io) : ws(io) {}
  websocket::stream<tcp::socket> ws;  // no tcp_stream: its timers would cost per socket
  beast::flat_buffer buf;
  std::int64_t next = -1;  // the sequence number expected next
};

struct Bench {
  explicit Bench(asio::io_context& io, Options o) : io(io), opt(std::move(o)) {}
  asio::io_context& io;
  Options opt;
  tcp::endpoint endpoint;
  std::vector<std::unique_ptr<Socket>> sockets;
  int subscribed = 0, handshaking = 0, failed = 0;
  std::string first_failure;
  std::optional<std::int64_t> head;  // the stream's head when the sockets subscribed
  std::int64_t out_of_order = 0, unexpected = 0;
  std::vector<std::unique_ptr<Series>> series;
  std::size_t event_bytes = 0;

  void fail(const std::string& what) {
    if (failed++ == 0) first_failure = what;
  }

  // Every message of every socket comes through here.
  void on_message(Socket& s, std::string_view msg) {
    if (msg.starts_with(R"({"type":"event")")) {
      const auto now = Clock::now();
      auto seq = number_after(msg, R"("seq":)");
      if (!seq) return fail("event without seq: " + std::string(msg.substr(0, 200)));
      if (*seq != s.next) ++out_of_order;
      s.next = *seq + 1;
      event_bytes = msg.size();
      for (auto& sr : series) {
        if (*seq < sr->first || *seq >= sr->first + sr->count) continue;
        const auto i = static_cast<std::size_t>(*seq - sr->first);
        const auto sent = sr->sent[i];
        if (sent == Clock::time_point{}) {
          ++unexpected;  // arrived before its action was sent: not ours
          return;
        }
        sr->latency_us.push_back(static_cast<std::uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(now - sent).count()));
        // The answer of the last action may still be on its way: those receipts are
        // matched to it once it is read (see drive()).
        if (sr->answered[i] != Clock::time_point{})
          sr->after_answer_us.push_back(static_cast<std::int32_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(now - sr->answered[i]).count()));
        else
          sr->early.emplace_back(i, now);
        ++sr->received;
        sr->last_receive = now;
        return;
      }
      ++unexpected;
      return;
    }
    if (msg.find(R"("type":"subscribed")") != std::string_view::npos) {
      auto seq = number_after(msg, R"("seq":)");
      if (!seq) return fail("subscribed without seq");
      if (head && *head != *seq) fail("sockets subscribed at different heads");
      head = *seq;
      s.next = *seq + 1;
      ++subscribed;
      --handshaking;
      return;
    }
    fail("unexpected message: " + std::string(msg.substr(0, 300)));
  }
};

asio::awaitable<void> sleep_for(Clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(kTuple);
}

// Waits until `done()` or the deadline; false on timeout.
template <class F>
asio::awaitable<bool> wait_until(F done, Clock::duration limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > deadline) co_return false;
    co_await sleep_for(2ms);
  }
  co_return true;
}

// One WebSocket: connect, handshake with the ticket, subscribe, then read until the end.
asio::awaitable<void> run_socket(Bench& b, Socket& s, std::string ticket) {
  auto [cec] = co_await s.ws.next_layer().async_connect(b.endpoint, kTuple);
  if (cec) {
    --b.handshaking;
    co_return b.fail("connect: " + cec.message());
  }
  s.ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  const std::string target = "/ws?ticket=" + ticket;
  auto [hec] = co_await s.ws.async_handshake("127.0.0.1", target, kTuple);
  if (hec) {
    --b.handshaking;
    co_return b.fail("handshake: " + hec.message());
  }
  s.ws.text(true);
  auto [wec, wn] = co_await s.ws.async_write(asio::buffer(kSubscribe), kTuple);
  if (wec) {
    --b.handshaking;
    co_return b.fail("subscribe: " + wec.message());
  }
  for (;;) {
    auto [rec, rn] = co_await s.ws.async_read(s.buf, kTuple);
    if (rec) {
      if (s.next < 0) --b.handshaking;
      co_return b.fail("socket closed: " + rec.message());
    }
    const auto data = s.buf.cdata();
    b.on_message(s, std::string_view(static_cast<const char*>(data.data()), data.size()));
    s.buf.consume(s.buf.size());
  }
}

// A keep-alive HTTP/1.1 connection to the server, with a deadline on every exchange.
struct HttpConn {
  explicit HttpConn(asio::io_context& io) : stream(io) {}
  beast::tcp_stream stream;
  beast::flat_buffer buf;
};

asio::awaitable<void> connect(Bench& b, HttpConn& h) {
  h.stream.expires_after(10s);
  auto [ec] = co_await h.stream.async_connect(b.endpoint, kTuple);
  if (ec) die("connect to the server: " + ec.message());
}

std::string ticket_of(const std::string& body) {
  const std::string key = R"("ticket":")";
  auto at = body.find(key);
  if (at == std::string::npos) die("no ticket in " + body.substr(0, 200));
  at += key.size();
  auto end = body.find('"', at);
  if (end == std::string::npos) die("no ticket in " + body.substr(0, 200));
  return body.substr(at, end - at);
}

// `n` tickets: n requests written at once, then the n answers read in order.
asio::awaitable<std::vector<std::string>> fetch_tickets(Bench& b, HttpConn& h, int n) {
  std::string one = "POST /api/v1/ws-ticket HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + b.opt.token +
                    "\r\nContent-Length: 0\r\n\r\n";
  std::string all;
  all.reserve(one.size() * static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) all += one;
  h.stream.expires_after(30s);
  auto [wec, wn] = co_await asio::async_write(h.stream, asio::buffer(all), kTuple);
  if (wec) die("writing ticket requests: " + wec.message());
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    http::response<http::string_body> res;
    auto [rec, rn] = co_await http::async_read(h.stream, h.buf, res, kTuple);
    if (rec) die("reading a ticket: " + rec.message());
    if (res.result_int() != 201) die("POST /api/v1/ws-ticket answered " + std::to_string(res.result_int()) + ": " + res.body());
    out.push_back(ticket_of(res.body()));
  }
  h.stream.expires_never();
  co_return out;
}

asio::awaitable<void> ticket_fetcher(Bench& b, int share) {
  HttpConn h(b.io);
  co_await connect(b, h);
  while (share > 0) {
    while (b.handshaking >= kMaxHandshaking) co_await sleep_for(1ms);
    const int k = std::min(kTicketBatch, share);
    auto tickets = co_await fetch_tickets(b, h, k);
    share -= k;
    for (auto& t : tickets) {
      b.sockets.push_back(std::make_unique<Socket>(b.io));
      ++b.handshaking;
      asio::co_spawn(b.io, run_socket(b, *b.sockets.back(), std::move(t)), asio::detached);
    }
  }
}

// Opens `n` more subscribed sockets; dies if any is refused.
asio::awaitable<double> open_sockets(Bench& b, int n) {
  const auto t0 = Clock::now();
  const int target = b.subscribed + n;
  int left = n;
  for (int i = 0; i < kTicketFetchers; ++i) {
    const int share = left / (kTicketFetchers - i);
    left -= share;
    asio::co_spawn(b.io, ticket_fetcher(b, share), asio::detached);
  }
  const bool ok = co_await wait_until([&] { return b.subscribed >= target || b.failed > 0; }, 300s);
  if (b.failed) die(std::to_string(b.failed) + " socket(s) failed, the first: " + b.first_failure);
  if (!ok) die("sockets did not all subscribe in time: " + std::to_string(b.subscribed) + " of " + std::to_string(target));
  co_return std::chrono::duration<double>(Clock::now() - t0).count();
}

// One action on the habit; returns the time it took to answer.
asio::awaitable<std::uint32_t> act(Bench& b, HttpConn& h, bool log) {
  http::request<http::string_body> req{http::verb::post, "/api/v1/apps/habit-tracker/action", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::authorization, "Bearer " + b.opt.token);
  req.set(http::field::content_type, "application/json");
  req.body() = std::string(R"({"action":")") + (log ? "log_completion" : "undo_completion") +
               R"(","params":{"habit_id":")" + b.opt.habit + R"("}})";
  req.prepare_payload();
  const auto t0 = Clock::now();
  h.stream.expires_after(30s);
  auto [wec, wn] = co_await http::async_write(h.stream, req, kTuple);
  if (wec) die("writing an action: " + wec.message());
  http::response<http::string_body> res;
  auto [rec, rn] = co_await http::async_read(h.stream, h.buf, res, kTuple);
  if (rec) die("reading an action's answer: " + rec.message());
  if (res.result_int() != 200) die("the action answered " + std::to_string(res.result_int()) + ": " + res.body());
  h.stream.expires_never();
  co_return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count());
}

// Drives one series: `count` actions, paced at `rate` per second (0: back to back), then
// waits for every socket to have every event.
asio::awaitable<void> drive(Bench& b, HttpConn& h, Series& s, std::int64_t& next_seq, double rate) {
  s.first = next_seq;
  s.sent.assign(static_cast<std::size_t>(s.count), Clock::time_point{});
  s.answered.assign(static_cast<std::size_t>(s.count), Clock::time_point{});
  s.after_answer_us.reserve(static_cast<std::size_t>(s.count) * b.sockets.size());
  s.latency_us.reserve(static_cast<std::size_t>(s.count) * b.sockets.size());
  const double server_cpu0 = server_cpu_seconds(b.opt.server_pid), client_cpu0 = client_cpu_seconds();
  const auto t0 = Clock::now();
  s.first_send = t0;
  for (int k = 0; k < s.count; ++k) {
    if (rate > 0) {
      const auto at = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(k / rate));
      if (at > Clock::now()) co_await sleep_for(at - Clock::now());
    }
    // The stream was left with no completion today: even sequence offsets log, odd undo.
    const bool log = ((next_seq - *b.head) % 2) == 1;
    s.sent[static_cast<std::size_t>(k)] = Clock::now();
    s.action_us.push_back(co_await act(b, h, log));
    s.answered[static_cast<std::size_t>(k)] = Clock::now();
    ++next_seq;
  }
  const std::int64_t expected = static_cast<std::int64_t>(s.count) * static_cast<std::int64_t>(b.sockets.size());
  const bool ok = co_await wait_until([&] { return s.received >= expected || b.failed > 0; }, 120s);
  if (b.failed) die(std::to_string(b.failed) + " failure(s), the first: " + b.first_failure);
  if (!ok) die(s.name + ": " + std::to_string(expected - s.received) + " of " + std::to_string(expected) + " deliveries missing");
  s.server_cpu = server_cpu_seconds(b.opt.server_pid) - server_cpu0;
  s.client_cpu = client_cpu_seconds() - client_cpu0;
  for (auto [i, at] : s.early)
    s.after_answer_us.push_back(static_cast<std::int32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(at - s.answered[i]).count()));
  std::cerr << "bench_ws: " << s.name << ": " << s.count << " events delivered to " << b.sockets.size() << " sockets\n";
}

template <class T>
T pct(std::vector<T>& v, double q) {
  if (v.empty()) return 0;
  const auto i = std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

std::string ms(std::int64_t us) {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(2);
  o << us / 1000.0;
  return o.str();
}

std::string series_json(Series& s, std::size_t sockets, double rate) {
  const double secs = std::chrono::duration<double>(s.last_receive - s.first_send).count();
  const double send_secs = std::chrono::duration<double>(s.sent.back() - s.first_send).count();
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(1);
  o << "{\"events\": " << s.count << ", \"subscribers\": " << sockets;
  if (rate > 0) o << ", \"paced_events_per_second\": " << rate;
  else o << ", \"paced_events_per_second\": null";
  o << ", \"sent_events_per_second\": " << (send_secs > 0 ? (s.count - 1) / send_secs : 0.0)
    << ", \"deliveries\": " << s.received << ", \"seconds_first_send_to_last_receipt\": ";
  o.precision(3);
  o << secs;
  o.precision(0);
  o << ", \"deliveries_per_second\": " << static_cast<double>(s.received) / secs;
  // What the cores were given, and what one delivery cost of it (2 ms wait polls included).
  const double deliveries = static_cast<double>(s.received);
  o.precision(2);
  o << ", \"server_cpu_seconds\": " << s.server_cpu << ", \"client_cpu_seconds\": " << s.client_cpu
    << ", \"server_cpu_us_per_delivery\": " << s.server_cpu * 1e6 / deliveries
    << ", \"client_cpu_us_per_delivery\": " << s.client_cpu * 1e6 / deliveries;
  o.precision(0);
  o << ", \"deliveries_per_cpu_second_server_and_client\": " << deliveries / (s.server_cpu + s.client_cpu);
  auto& l = s.latency_us;
  auto& a = s.action_us;
  const auto p50 = pct(l, 0.5), p90 = pct(l, 0.9), p99 = pct(l, 0.99), p999 = pct(l, 0.999);
  const auto mx = l.empty() ? 0u : *std::max_element(l.begin(), l.end());
  o << ", \"latency_ms\": {\"p50\": " << ms(p50) << ", \"p90\": " << ms(p90) << ", \"p99\": " << ms(p99)
    << ", \"p99_9\": " << ms(p999) << ", \"max\": " << ms(mx) << "}";
  auto& aa = s.after_answer_us;
  o << ", \"after_action_answer_ms\": {\"p50\": " << ms(pct(aa, 0.5)) << ", \"p99\": " << ms(pct(aa, 0.99)) << "}";
  o << ", \"action_answer_ms\": {\"p50\": " << ms(pct(a, 0.5)) << ", \"p99\": " << ms(pct(a, 0.99)) << "}}";
  return o.str();
}

asio::awaitable<void> idle_mode(Bench& b) {
  const int pid = b.opt.server_pid;
  const double warm_secs = co_await open_sockets(b, b.opt.warmup_connections);
  (void)warm_secs;
  const auto settle = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(b.opt.settle_seconds));
  co_await sleep_for(settle);
  auto before = proc_status(pid);
  const long fds_before = open_fds(pid);
  const int half = b.opt.connections / 2;
  const double s1 = co_await open_sockets(b, half);
  co_await sleep_for(settle);
  auto mid = proc_status(pid);
  const double s2 = co_await open_sockets(b, b.opt.connections - half);
  co_await sleep_for(settle);
  auto after = proc_status(pid);
  const long fds_after = open_fds(pid);
  const int n = b.opt.connections;
  auto per = [](long kb_a, long kb_b, int count) { return static_cast<long>((kb_a - kb_b) * 1024.0 / count); };
  std::cout << "{\"connections\": " << n << ", \"warmup_connections\": " << b.opt.warmup_connections
            << ", \"server_fds_added\": " << (fds_after - fds_before)
            << ", \"seconds_to_open\": " << s1 + s2 << ", \"settle_seconds\": " << b.opt.settle_seconds
            << ", \"server_kb\": {\"before\": {\"VmRSS\": " << before["VmRSS"] << ", \"RssAnon\": " << before["RssAnon"]
            << "}, \"half\": {\"VmRSS\": " << mid["VmRSS"] << ", \"RssAnon\": " << mid["RssAnon"]
            << "}, \"after\": {\"VmRSS\": " << after["VmRSS"] << ", \"RssAnon\": " << after["RssAnon"]
            << "}, \"VmHWM\": " << after["VmHWM"] << ", \"threads\": " << after["Threads"] << "}"
            << ", \"bytes_per_connection\": " << per(after["VmRSS"], before["VmRSS"], n)
            << ", \"bytes_per_connection_second_half\": " << per(after["VmRSS"], mid["VmRSS"], n - half)
            << ", \"anon_bytes_per_connection\": " << per(after["RssAnon"], before["RssAnon"], n) << "}" << std::endl;
  // For a heap profile of the idle server (see bench/README.md): the sockets stay open.
  if (b.opt.hold_seconds > 0)
    co_await sleep_for(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(b.opt.hold_seconds)));
}

asio::awaitable<void> fanout_mode(Bench& b) {
  const double open_secs = co_await open_sockets(b, b.opt.connections);
  std::cerr << "bench_ws: " << b.opt.connections << " sockets subscribed in " << open_secs << " s at head " << *b.head << "\n";
  HttpConn h(b.io);
  co_await connect(b, h);
  std::int64_t next_seq = *b.head + 1;
  auto add = [&](std::string name, int count) -> Series& {
    b.series.push_back(std::make_unique<Series>());
    b.series.back()->name = std::move(name);
    b.series.back()->count = count;
    return *b.series.back();
  };
  Series& warm = add("warm-up", b.opt.warmup_events);
  co_await drive(b, h, warm, next_seq, 0);
  Series& light = add("light", b.opt.light_events);
  co_await drive(b, h, light, next_seq, b.opt.light_rate);
  co_await sleep_for(1s);
  Series& steady = add("steady", b.opt.events);
  co_await drive(b, h, steady, next_seq, b.opt.rate);
  co_await sleep_for(1s);
  Series& burst = add("burst", b.opt.events);
  co_await drive(b, h, burst, next_seq, 0);
  if (b.out_of_order || b.unexpected)
    die(std::to_string(b.out_of_order) + " event(s) out of order, " + std::to_string(b.unexpected) + " unexpected");
  const std::size_t n = b.sockets.size();
  // The peak says where a backlog waited: events posted to the sessions' strands are held
  // there (each with its copy of the event) until the socket's turn comes.
  auto mem = proc_status(b.opt.server_pid);
  std::cout << "{\"subscribers\": " << n << ", \"seconds_to_open\": " << open_secs
            << ", \"server_kb_at_end\": {\"VmRSS\": " << mem["VmRSS"] << ", \"VmHWM\": " << mem["VmHWM"] << "}"
            << ", \"event_message_bytes\": " << b.event_bytes << ", \"out_of_order\": " << b.out_of_order
            << ", \"light\": " << series_json(light, n, b.opt.light_rate)
            << ", \"steady\": " << series_json(steady, n, b.opt.rate) << ", \"burst\": " << series_json(burst, n, 0)
            << "}" << std::endl;
}

Options parse(int argc, char** argv) {
  Options o;
  if (argc < 2) die("usage: bench_ws idle|fanout --port P --token T --server-pid PID [--connections N] [--habit ID --events E --rate R]");
  o.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") o.port = static_cast<unsigned short>(std::stoi(v));
    else if (k == "--token") o.token = v;
    else if (k == "--server-pid") o.server_pid = std::stoi(v);
    else if (k == "--connections") o.connections = std::stoi(v);
    else if (k == "--warmup-connections") o.warmup_connections = std::stoi(v);
    else if (k == "--settle") o.settle_seconds = std::stod(v);
    else if (k == "--hold") o.hold_seconds = std::stod(v);
    else if (k == "--habit") o.habit = v;
    else if (k == "--events") o.events = std::stoi(v);
    else if (k == "--rate") o.rate = std::stod(v);
    else if (k == "--warmup-events") o.warmup_events = std::stoi(v);
    else if (k == "--light-events") o.light_events = std::stoi(v);
    else if (k == "--light-rate") o.light_rate = std::stod(v);
    else die("unknown option " + k);
  }
  if (!o.port || o.token.empty()) die("--port and --token are required");
  if (!o.server_pid) die("--server-pid is required");
  if (o.mode == "fanout" && o.habit.empty()) die("fanout needs --habit");
  if (o.mode != "idle" && o.mode != "fanout") die("unknown mode " + o.mode);
  if (o.warmup_events % 2 || o.events % 2 || o.light_events % 2 || o.warmup_events < 2 || o.events < 2 ||
      o.light_events < 2)
    die("event counts must be even and at least 2 (log and undo alternate)");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse(argc, argv);
  asio::io_context io(1);  // one thread: no locking inside Asio
  Bench b(io, std::move(opt));
  b.endpoint = tcp::endpoint(asio::ip::make_address("127.0.0.1"), b.opt.port);
  auto main_coro = [&]() -> asio::awaitable<void> {
    if (b.opt.mode == "idle") co_await idle_mode(b);
    else co_await fanout_mode(b);
  };
  asio::co_spawn(io, main_coro(), [](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        die(std::string("failed: ") + x.what());
      }
    }
    // Done: leave without tearing down thousands of sockets one by one; the kernel closes
    // them (the server sees them end, as it would when a browser quits).
    std::fflush(stdout);
    std::cout.flush();
    std::_Exit(0);
  });
  io.run();
  return 0;
}
