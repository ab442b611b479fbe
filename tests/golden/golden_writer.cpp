// Writes a golden log (tests/golden/README.md): a format 2 data directory with one event of every
// type the codec reads (tests/wire/samples.h), each in a stream of its own aggregate, plus a
// workload event. Run once, by hand, when a new event type ships (in a new directory: golden logs
// are never rewritten), then commit the directory:
//
//   build/bin/golden_writer --dir tests/golden/v3-... --source .
#include <cstdio>
#include <filesystem>
#include <string>

#include "domain/configuration.h"
#include "engine/streams.h"
#include "eventstore/checksum.h"
#include "eventstore/event_store.h"
#include "tests/wire/samples.h"

namespace {

namespace fs = std::filesystem;
using namespace ordo;

// The stream each sample belongs to, as the engine names it.
std::string stream_of(const wire::DomainEvent& event) {
  return std::visit(
      [](const auto& aggregate_event) -> std::string {
        using E = std::decay_t<decltype(aggregate_event)>;
        if constexpr (std::is_same_v<E, domain::site::Event>) return engine::site_stream("WH-1");
        if constexpr (std::is_same_v<E, domain::catalog::Event>)
          return engine::item_stream("SKU-7");
        if constexpr (std::is_same_v<E, domain::stock::Event>)
          return engine::stock_stream("WH-1", "SKU-7");
        if constexpr (std::is_same_v<E, domain::order::Event>) return engine::order_stream("O-1");
        if constexpr (std::is_same_v<E, domain::brand::Event>)
          return engine::brand_stream("kalenji");
        if constexpr (std::is_same_v<E, domain::channel::Event>)
          return engine::channel_stream("web-gb");
        if constexpr (std::is_same_v<E, domain::configuration::Event>) {
          return engine::config_stream(domain::configuration::area_name(
              std::get<domain::configuration::ConfigurationChanged>(aggregate_event).document));
        }
      },
      event);
}

int write(const fs::path& dir, const std::string& source) {
  if (fs::exists(dir)) {
    std::fprintf(stderr, "golden_writer: %s exists; golden logs are never rewritten\n",
                 dir.c_str());
    return 2;
  }
  eventstore::Options options;
  options.data_dir = dir;
  auto store = eventstore::EventStore::open(options);
  if (!store)
    return std::fprintf(stderr, "golden_writer: %s\n", store.error().to_string().c_str()), 2;
  const eventstore::Actor actor{eventstore::ActorKind::system, "golden_writer"};
  for (const auto& event : wire::testing::populated_samples(source)) {
    auto appended = (*store)->append(stream_of(event), eventstore::ExpectedVersion::any(),
                                     {wire::encode(event)}, {}, actor);
    if (!appended)
      return std::fprintf(stderr, "golden_writer: %s\n", appended.error().to_string().c_str()), 2;
  }
  for (const auto& event : wire::testing::populated_access_samples()) {
    auto appended =
        (*store)->append(engine::token_stream("0123456789abcdef01234567"),
                         eventstore::ExpectedVersion::any(), {wire::encode(event)}, {}, actor);
    if (!appended)
      return std::fprintf(stderr, "golden_writer: %s\n", appended.error().to_string().c_str()), 2;
  }
  auto workload =
      (*store)->append("generated-0", eventstore::ExpectedVersion::any(),
                       {{"Generated", 1, R"({"n":0,"note":"ordo log generate"})"}}, {}, actor);
  if (!workload)
    return std::fprintf(stderr, "golden_writer: %s\n", workload.error().to_string().c_str()), 2;
  const auto stats = (*store)->stats();
  std::printf("%s: %llu events, head %s\n", dir.c_str(),
              static_cast<unsigned long long>(stats.head_position),
              eventstore::to_hex(stats.head_hash).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, source = ".";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--dir")
      dir = argv[i + 1];
    else if (arg == "--source")
      source = argv[i + 1];
  }
  if (dir.empty())
    return std::fprintf(stderr, "usage: golden_writer --dir DIR [--source REPO]\n"), 2;
  return write(dir, source);
}
