// `ordo log ...`: inspect, verify and exercise the event log of a data directory.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/cli.h"
#include "eventstore/checksum.h"
#include "eventstore/event_store.h"
#include "eventstore/keys.h"
#include "projections/projector.h"

namespace ordo::cli {
namespace {

using eventstore::EventStore;

std::string format_time_us(std::int64_t us) {
  const auto seconds = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  char micros[16];
  std::snprintf(micros, sizeof micros, ".%06lldZ", static_cast<long long>(us % 1'000'000));
  return std::string(text) + micros;
}

Result<std::unique_ptr<EventStore>> open_read_only(const std::string& data_dir) {
  eventstore::Options options;
  options.data_dir = data_dir;
  options.read_only = true;
  options.create_if_missing = false;
  return EventStore::open(std::move(options));
}

nlohmann::json to_json(const eventstore::RecordedEvent& e) {
  nlohmann::json j = {
      {"position", e.position},
      {"stream", e.stream},
      {"version", e.stream_version},
      {"type", e.type},
      {"schema_version", e.schema_version},
      {"recorded_at", format_time_us(e.recorded_at_us)},
      {"actor", {{"kind", eventstore::to_string(e.actor.kind)}, {"id", e.actor.id}}}};
  if (!e.correlation_id.empty()) j["correlation_id"] = e.correlation_id;
  if (!e.causation_id.empty()) j["causation_id"] = e.causation_id;
  j["payload_bytes"] = e.payload.size();
  if (!eventstore::check_text(e.payload, e.payload.size(), "payload")) {
    j["payload_text"] = e.payload;
  } else {
    j["payload_hex"] =
        eventstore::to_hex(e.payload.data(), std::min<std::size_t>(e.payload.size(), 64));
  }
  return j;
}

int run_stats(const std::string& data_dir) {
  auto store = open_read_only(data_dir);
  if (!store) return report(store.error());
  const auto stats = (*store)->stats();
  auto streams = (*store)->count_streams();
  if (!streams) return report(streams.error());
  std::cout << "data_dir:        " << data_dir << "\n"
            << "format_version:  " << stats.format_version << "\n"
            << "store_id:        " << stats.store_id << "\n"
            << "events:          " << stats.head_position << "\n"
            << "streams:         " << *streams << "\n"
            << "head_hash:       " << eventstore::to_hex(stats.head_hash) << "\n"
            << "disk_bytes:      " << (*store)->disk_bytes() << "\n";
  if (stats.head_position > 0) {
    auto first = (*store)->read_all(1, 1);
    auto last = (*store)->read_all(stats.head_position, 1);
    if (!first) return report(first.error());
    if (!last) return report(last.error());
    if (!first->empty() && !last->empty()) {
      std::cout << "first_event_at:  " << format_time_us(first->front().recorded_at_us) << "\n"
                << "last_event_at:   " << format_time_us(last->front().recorded_at_us) << "\n";
    }
  }
  return kExitOk;
}

int run_tail(const std::string& data_dir, std::uint64_t count, std::uint64_t from) {
  auto store = open_read_only(data_dir);
  if (!store) return report(store.error());
  const std::uint64_t head = (*store)->durable_position();
  const std::uint64_t start = from > 0 ? from : (head > count ? head - count + 1 : 1);
  auto events = (*store)->read_all(start, count);
  if (!events) return report(events.error());
  for (const auto& e : *events)
    std::cout << to_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return kExitOk;
}

int run_verify(const std::string& data_dir) {
  auto store = open_read_only(data_dir);
  if (!store) return report(store.error());
  const auto started = std::chrono::steady_clock::now();
  auto result = (*store)->verify();
  if (!result) return report(result.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (result->ok) {
    std::cout << "ok: " << result->events_checked << " events verified (positions 1.."
              << result->head_position << "), hash chain intact, head "
              << eventstore::to_hex((*store)->stats().head_hash) << " (" << seconds << " s)\n";
    // The query models are rebuilt from the log at will, but a damaged one fails its reads.
    auto models = projections::Projector::check_models(**store);
    if (!models) return report(models.error());
    if (!models->problem.empty()) {
      std::cout << "BROKEN: " << models->problem << "\n";
      return kExitCheckFailed;
    }
    std::cout << "ok: " << models->values << " query model values read";
    for (std::size_t i = 0; i < models->rebuilt_at_start.size(); ++i)
      std::cout << (i == 0 ? "; rebuilt at the next start: " : ", ") << models->rebuilt_at_start[i];
    std::cout << "\n";
    return kExitOk;
  }
  std::cout << "BROKEN at position " << result->first_bad_position << ": " << result->problem
            << "\n"
            << result->events_checked << " events before it verified\n";
  return kExitCheckFailed;
}

struct GenerateOptions {
  std::string data_dir;
  std::uint64_t events = 100'000;
  std::uint64_t streams = 1'000;
  std::uint64_t in_flight = 256;
  bool no_fsync = false;
};

// Appends a generated workload: `events` single-event appends spread over `streams` streams with up
// to `in_flight` appends outstanding, as the gateway's coroutines will submit them.
int run_generate(const GenerateOptions& o) {
  eventstore::Options options;
  options.data_dir = o.data_dir;
  options.durability = o.no_fsync ? eventstore::Durability::none : eventstore::Durability::fsync;
  auto store = EventStore::open(std::move(options));
  if (!store) return report(store.error());
  std::mutex mutex;
  std::condition_variable cv;
  std::uint64_t outstanding = 0, acknowledged = 0;
  std::optional<Error> first_error;
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < o.events; ++i) {
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return outstanding < o.in_flight; });
      if (first_error) break;
      ++outstanding;
    }
    nlohmann::json payload = {{"sequence", i}, {"note", "generated workload"}};
    eventstore::AppendRequest request;
    request.writes.push_back(
        {"generated-" + std::to_string(i % o.streams),
         eventstore::ExpectedVersion::any(),
         {{"Generated", 1,
           payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}}});
    request.actor = {eventstore::ActorKind::system, "ordo log generate"};
    (*store)->append_async(std::move(request), [&](Result<eventstore::AppendResult> r) {
      std::lock_guard lock(mutex);
      --outstanding;
      if (r)
        ++acknowledged;
      else if (!first_error)
        first_error = r.error();
      cv.notify_all();
    });
  }
  std::unique_lock lock(mutex);
  cv.wait(lock, [&] { return outstanding == 0; });
  if (first_error) return report(*first_error);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "appended " << acknowledged << " events over " << o.streams << " streams in "
            << seconds << " s ("
            << static_cast<std::uint64_t>(static_cast<double>(acknowledged) / seconds)
            << " events/s, " << (o.no_fsync ? "no fsync" : "fsync") << ")\n";
  return kExitOk;
}

}  // namespace

void add_log_commands(CLI::App& app, int& exit_code) {
  auto* log = app.add_subcommand("log", "Inspect, verify or exercise the event log");
  log->require_subcommand(1);

  static std::string data_dir;
  auto* stats = log->add_subcommand("stats", "Summarise the log of a data directory");
  stats->add_option("--data", data_dir, "Data directory")->required();
  stats->callback([&] { exit_code = run_stats(data_dir); });

  static std::uint64_t count = 20, from = 0;
  auto* tail = log->add_subcommand("tail", "Print the last events as JSON lines");
  tail->add_option("--data", data_dir, "Data directory")->required();
  tail->add_option("-n,--count", count, "How many events")->check(CLI::Range(1, 100000));
  tail->add_option("--from", from, "Start at this position instead of the end");
  tail->callback([&] { exit_code = run_tail(data_dir, count, from); });

  auto* verify = log->add_subcommand(
      "verify", "Check every event, checksum, index and the hash chain; exit 1 if broken");
  verify->add_option("--data", data_dir, "Data directory")->required();
  verify->callback([&] { exit_code = run_verify(data_dir); });

  static GenerateOptions generate_options;
  auto* generate = log->add_subcommand("generate", "Append a generated workload (demo, load)");
  generate->add_option("--data", generate_options.data_dir, "Data directory")->required();
  generate->add_option("--events", generate_options.events, "How many events")
      ->check(CLI::Range(1ull, 1'000'000'000ull));
  generate->add_option("--streams", generate_options.streams, "Over how many streams")
      ->check(CLI::Range(1ull, 100'000'000ull));
  generate->add_option("--in-flight", generate_options.in_flight, "Appends outstanding at once")
      ->check(CLI::Range(1ull, 65536ull));
  generate->add_flag("--no-fsync", generate_options.no_fsync,
                     "Acknowledge without fsync (benchmarks only: not power-loss safe)");
  generate->callback([&] { exit_code = run_generate(generate_options); });
}

}  // namespace ordo::cli
