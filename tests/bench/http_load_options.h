// http_load's command line: the options, their limits, the usage text and the parsing that checks
// them (a UsageError, exit status 2, for anything wrong). The options are documented at the top of
// http_load.cpp. Part of http_load.cpp's single translation unit, hence the unnamed namespace.
#pragma once

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>  // for bench_support.h, which uses std::ceil without including it
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bench_support.h"

namespace {

namespace asio = boost::asio;
using error_code = boost::system::error_code;
using ordo::bench::strf;

constexpr std::size_t kPhasesMax = 32, kConnectionsMax = 10'000, kThreadsMax = 64;
constexpr double kSecondsMax = 3600, kRateMax = 10'000'000;

constexpr const char* kUsage =
    "usage: http_load --port P --token T --phases RATE:SECONDS[,RATE:SECONDS...]\n"
    "         [--mode sellable|orders|promises] [--connections 64] [--threads 1] [--skus 2000]\n"
    "         [--channel web] [--run-id ID] [--name NAME] [--latency-slo-ms 10]\n"
    "         [--timeout-ms 10000] [--backlog-max 100000] [--seed 1] [--host 127.0.0.1]\n"
    "         [--closed (then --phases SECONDS)] [--timeline]\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Mode { sellable, orders, promises };

struct PhaseSpec {
  double rate = 0;  // requests per second; 0 in closed loop
  double seconds = 0;
};

struct Options {
  std::string host = "127.0.0.1", token, channel = "web", run_id, name;
  std::string phases_text;  // as given, for the context line
  std::uint16_t port = 0;
  Mode mode = Mode::sellable;
  std::size_t connections = 64, threads = 1, skus = 2000, backlog_max = 100'000;
  std::vector<PhaseSpec> phases;
  double latency_slo_ms = 10, timeout_ms = 10'000;
  std::uint64_t seed = 1;
  bool closed = false, timeline = false;

  // The one answer that counts as success: 201 Created for an order, 200 for a read.
  int success_status() const { return mode == Mode::orders ? 201 : 200; }
};

template <class T>
T parse_number(std::string_view text, std::string_view option, T min, T max) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || stop != end || value < min || value > max)
    throw UsageError(strf("%.*s: expected a number between %g and %g, got '%.*s'",
                          int(option.size()), option.data(), double(min), double(max),
                          int(text.size()), text.data()));
  return value;
}

// What goes into a URL, a header or a JSON string unescaped.
inline bool is_plain_text(std::string_view text, std::string_view extra) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || extra.find(c) != extra.npos;
  });
}

inline std::vector<PhaseSpec> parse_phases(std::string_view text, bool closed) {
  std::vector<PhaseSpec> phases;
  double seconds_total = 0;
  for (std::size_t begin = 0;;) {
    const std::size_t comma = text.find(',', begin);
    const std::string_view item =
        text.substr(begin, comma == text.npos ? text.npos : comma - begin);
    const std::size_t colon = item.find(':');
    PhaseSpec phase;
    if (closed) {
      if (colon != item.npos) throw UsageError("--phases with --closed is a duration: SECONDS");
      phase.seconds = parse_number<double>(item, "--phases seconds", 0.1, kSecondsMax);
    } else {
      if (colon == item.npos)
        throw UsageError("--phases: expected RATE:SECONDS, got '" + std::string(item) + "'");
      phase.rate = parse_number<double>(item.substr(0, colon), "--phases rate", 0.1, kRateMax);
      phase.seconds =
          parse_number<double>(item.substr(colon + 1), "--phases seconds", 0.1, kSecondsMax);
    }
    phases.push_back(phase);
    seconds_total += phase.seconds;
    if (comma == text.npos) break;
    begin = comma + 1;
  }
  if (closed && phases.size() != 1) throw UsageError("--closed takes a single phase");
  if (phases.size() > kPhasesMax) throw UsageError(strf("--phases: at most %zu", kPhasesMax));
  if (seconds_total > kSecondsMax) throw UsageError("--phases: at most 3600 seconds in all");
  return phases;
}

inline void validate(Options& o, bool has_phases) {
  error_code ec;
  const auto address = asio::ip::make_address(o.host, ec);
  if (ec || !address.is_loopback())
    throw UsageError("--host: a loopback address is required (load is driven at 127.0.0.1 only)");
  if (o.port == 0) throw UsageError("--port is required");
  if (!is_plain_text(o.token, "-._~+/="))
    throw UsageError("--token is required (bearer token characters only)");
  if (!has_phases) throw UsageError("--phases is required");
  if (o.threads > o.connections) throw UsageError("--threads cannot exceed --connections");
  if (!is_plain_text(o.channel, "-_")) throw UsageError("--channel: letters, digits, - and _");
  if (o.run_id.empty())
    o.run_id = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
  if (!is_plain_text(o.run_id, "-_.")) throw UsageError("--run-id: letters, digits, -, _ and .");
  if (!o.name.empty() && !is_plain_text(o.name, "-_."))
    throw UsageError("--name: letters, digits, -, _ and .");
}

inline Options parse_options(int argc, char** argv) {
  static constexpr std::string_view kValued[] = {
      "--host",    "--port",           "--token",      "--mode",        "--connections",
      "--threads", "--phases",         "--skus",       "--channel",     "--run-id",
      "--name",    "--latency-slo-ms", "--timeout-ms", "--backlog-max", "--seed"};
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--closed" || arg == "--timeline") {
      (arg == "--closed" ? o.closed : o.timeline) = true;
      continue;
    }
    if (std::ranges::find(kValued, arg) == std::end(kValued))
      throw UsageError("unknown option '" + std::string(arg) + "'");
    if (i + 1 >= argc) throw UsageError(std::string(arg) + " needs a value");
    const std::string_view v = argv[++i];
    if (arg == "--host") o.host = v;
    if (arg == "--port") o.port = parse_number<std::uint16_t>(v, arg, 1, 65535);
    if (arg == "--token") o.token = v;
    if (arg == "--mode" && v != "sellable" && v != "orders" && v != "promises")
      throw UsageError("--mode: sellable, orders or promises");
    if (arg == "--mode")
      o.mode = v == "orders" ? Mode::orders : v == "promises" ? Mode::promises : Mode::sellable;
    if (arg == "--connections")
      o.connections = parse_number<std::size_t>(v, arg, 1, kConnectionsMax);
    if (arg == "--threads") o.threads = parse_number<std::size_t>(v, arg, 1, kThreadsMax);
    if (arg == "--phases") o.phases_text = v;
    if (arg == "--skus") o.skus = parse_number<std::size_t>(v, arg, 1, 9'999'999);
    if (arg == "--channel") o.channel = v;
    if (arg == "--run-id") o.run_id = v;
    if (arg == "--name") o.name = v;
    if (arg == "--latency-slo-ms") o.latency_slo_ms = parse_number(v, arg, 0.001, 60'000.0);
    if (arg == "--timeout-ms") o.timeout_ms = parse_number(v, arg, 1.0, 60'000.0);
    if (arg == "--backlog-max") o.backlog_max = parse_number<std::size_t>(v, arg, 1, 100'000'000);
    if (arg == "--seed") o.seed = parse_number<std::uint64_t>(v, arg, 0, UINT64_MAX);
  }
  if (!o.phases_text.empty()) o.phases = parse_phases(o.phases_text, o.closed);
  validate(o, !o.phases_text.empty());
  return o;
}

}  // namespace
