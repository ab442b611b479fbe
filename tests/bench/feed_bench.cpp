// Streaming stock feeds end to end on one machine: Ordo's pipeline, projector and NATS stock feed
// in this process on a real RocksDB store, a real nats-server child on 127.0.0.1 with a user per
// source, and S sources (each its own connection and credentials) sending messages of B
// movements, W messages in flight each, every message answered only once its movements are
// durable (gateway/feeds/stock_feed.h).
//
// Figures (BENCH lines):
//   feed_movements_per_s   movements applied (durable, answered "ok" and counted "applied") per
//                          second, from the first message sent to the last answer
//   feed_failures          messages not answered "ok" (retry, invalid, timeout)
//
//   feed_bench --dir DIR [--sources 4] [--batch 200] [--window 8] [--messages 500]
//              [--sites 20] [--skus 500] [--quick]
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "engine/pipeline.h"
#include "gateway/feeds/stock_feed.h"
#include "projections/projector.h"
#include "tests/bench/bench_support.h"
#include "tests/bench/setup_support.h"
#include "tests/nats_server.h"

namespace ordo::bench {
namespace {

namespace nats = adapters::nats;
using nlohmann::json;

struct Options {
  fs::path dir;
  std::size_t sources = 4;
  std::size_t batch = 200;     // movements per message
  std::size_t window = 8;      // messages in flight per source
  std::size_t messages = 500;  // per source
  std::size_t sites = 20;
  std::size_t skus = 500;
};

domain::Instant now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string site_of(std::size_t i) { return strf("ST-%03zu", i); }
std::string sku_of(std::size_t i) { return strf("SKU-%05zu", i); }
std::string source_of(std::size_t i) { return strf("pos-%zu", i); }

engine::Submission submission(engine::Command command) {
  return bench::submission(std::move(command), "feed_bench");
}

void setup(engine::Pipeline& pipeline, const Options& o) {
  using T = domain::site::SiteType;
  const auto at = now_us();
  domain::InventoryViews views;
  views.channels.push_back({"web", {{}, {T::store}, {}, {}}, 100, {}, 0, 0});
  must(pipeline.execute(submission(domain::configuration::Command{
           domain::configuration::ChangeConfiguration{views, "bench", "views", at}})),
       "views");
  for (std::size_t i = 0; i < o.skus; ++i) {
    must(pipeline.execute(submission(domain::catalog::Command{domain::catalog::DefineItem{
             {sku_of(i), "Item", "shoes/running", "", 500, 1500, {9900, "EUR"}, false, true, {}},
             at}})),
         "item");
  }
  for (std::size_t i = 0; i < o.sites; ++i) {
    domain::site::Profile p;
    p.name = site_of(i);
    p.type = T::store;
    p.country = "FR";
    p.region = "75";
    p.postcode = "75001";
    p.latitude = 48.85;
    p.longitude = 2.35;
    p.time_zone = "Europe/Paris";
    p.capabilities = {true, true, true};
    p.daily_capacity = 1000;
    must(pipeline.execute(
             submission(domain::site::Command{domain::site::RegisterSite{site_of(i), p, at}})),
         "site");
  }
}

// One source: sends its messages, at most `window` unanswered, and counts what was applied.
struct Source {
  natsConnection* connection = nullptr;
  natsSubscription* replies = nullptr;
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t in_flight = 0, answered = 0, applied = 0, failures = 0, resent = 0;
  std::vector<std::size_t> again;  // sequences answered "retry": sent again, as a source would

  static void on_reply(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
    auto* self = static_cast<Source*>(closure);
    const auto doc =
        json::parse(std::string(natsMsg_GetData(message),
                                static_cast<std::size_t>(natsMsg_GetDataLength(message))),
                    nullptr, false);
    natsMsg_Destroy(message);
    std::lock_guard lock(self->mutex);
    --self->in_flight;
    self->cv.notify_all();
    const auto result = doc.is_object() ? doc.value("result", "") : "";
    if (result == "retry") {
      self->again.push_back(doc.value("sequence", std::size_t{0}));
      return;
    }
    if (result == "ok")
      self->applied += doc.value("applied", std::size_t{0});
    else
      ++self->failures;
    ++self->answered;
  }
};

using Credentials = std::vector<std::pair<std::string, std::string>>;

std::vector<std::unique_ptr<Source>> connect_sources(const std::string& url,
                                                     const Credentials& feeds) {
  std::vector<std::unique_ptr<Source>> sources;
  for (const auto& [name, password] : feeds) {
    auto source = std::make_unique<Source>();
    natsOptions* options = nullptr;
    natsOptions_Create(&options);
    natsOptions_SetURL(options, url.c_str());
    natsOptions_SetUserInfo(options, ("feed-" + name).c_str(), password.c_str());
    natsOptions_SetSendAsap(options, true);
    const auto s = natsConnection_Connect(&source->connection, options);
    natsOptions_Destroy(options);
    if (s != NATS_OK) throw BenchFailure(std::string("source: ") + natsStatus_GetText(s));
    const auto inbox = nats::feed_inbox_prefix(name) + ".bench";
    natsConnection_Subscribe(&source->replies, source->connection, inbox.c_str(), Source::on_reply,
                             source.get());
    natsConnection_Flush(source->connection);
    sources.push_back(std::move(source));
  }
  return sources;
}

// Every source's messages, built before the clock starts: the figure is Ordo's, not this
// generator's.
std::vector<std::vector<std::string>> build_bodies(const Options& o) {
  std::vector<std::vector<std::string>> bodies(o.sources);
  std::mt19937_64 random(42);
  for (std::size_t i = 0; i < o.sources; ++i) {
    for (std::size_t m = 0; m < o.messages; ++m) {
      json movements = json::array();
      for (std::size_t b = 0; b < o.batch; ++b) {
        movements.push_back({{"type", "receipt"},
                             {"site", site_of(random() % o.sites)},
                             {"sku", sku_of(random() % o.skus)},
                             {"quantity", 1 + random() % 5},
                             {"reference", "ASN"}});
      }
      bodies[i].push_back(
          json{{"sequence", m + 1}, {"sent_at_us", now_us()}, {"movements", movements}}.dump());
    }
  }
  return bodies;
}

// One source's messages, at most o.window unanswered, those answered "retry" sent again.
void send_all(const Options& o, Source& source, const std::string& name,
              const std::vector<std::string>& bodies) {
  const auto subject = nats::feed_subject("main", name);
  const auto inbox = nats::feed_inbox_prefix(name) + ".bench";
  std::size_t next = 0;
  for (;;) {
    std::size_t sequence = 0;
    {
      std::unique_lock lock(source.mutex);
      const bool settled = source.cv.wait_for(lock, std::chrono::seconds(120), [&] {
        return source.answered == o.messages ||
               (source.in_flight < o.window && (next < o.messages || !source.again.empty()));
      });
      if (!settled) {
        source.failures += o.messages - source.answered;
        return;
      }
      if (source.answered == o.messages) return;
      if (!source.again.empty()) {
        sequence = source.again.back();
        source.again.pop_back();
        ++source.resent;
      } else {
        sequence = ++next;
      }
      ++source.in_flight;
    }
    const auto& body = bodies[sequence - 1];
    natsConnection_PublishRequest(source.connection, subject.c_str(), inbox.c_str(), body.data(),
                                  static_cast<int>(body.size()));
  }
}

int run(const Options& o) {
  fs::remove_all(o.dir);
  fs::create_directories(o.dir);
  eventstore::Options store_options;
  store_options.data_dir = o.dir / "store";
  store_options.projection_families = projections::projection_families();
  auto store = eventstore::EventStore::open(store_options);
  if (!store) throw BenchFailure(store.error().to_string());
  auto pipeline = engine::Pipeline::start(**store);
  if (!pipeline) throw BenchFailure(pipeline.error().to_string());
  setup(**pipeline, o);
  auto projector = projections::Projector::start(**store);  // as in `ordo serve`
  if (!projector) throw BenchFailure(projector.error().to_string());

  const auto port = testing::free_port();
  Credentials feeds;
  for (std::size_t i = 0; i < o.sources; ++i)
    feeds.emplace_back(source_of(i), strf("secret-%zu", i));
  const auto conf = o.dir / "nats-server.conf";
  std::ofstream(conf) << nats::server_config("main", "127.0.0.1:" + std::to_string(port),
                                             "ordo-secret", {}, feeds);
  testing::NatsServer server(conf, port);
  const std::string url = "nats://127.0.0.1:" + std::to_string(port);
  auto ordo_connection =
      nats::Connection::open({url, "ordo", "ordo-secret", "ordo", {}, 2000, false, {}, {}});
  if (!ordo_connection) throw BenchFailure(ordo_connection.error().to_string());
  auto feed = gateway::StockFeed::start(**pipeline, **ordo_connection);
  if (!feed) throw BenchFailure(feed.error().to_string());

  auto sources = connect_sources(url, feeds);
  note(strf(
      "feed: %zu sources x %zu messages of %zu movements, %zu in flight each; %zu sites x "
      "%zu SKUs; nats-server on 127.0.0.1; store %s",
      o.sources, o.messages, o.batch, o.window, o.sites, o.skus, describe_disk(o.dir).c_str()));

  const auto bodies = build_bodies(o);
  const auto start = Clock::now();
  std::vector<std::thread> senders;
  for (std::size_t i = 0; i < o.sources; ++i)
    senders.emplace_back([&, i] { send_all(o, *sources[i], feeds[i].first, bodies[i]); });
  for (auto& t : senders) t.join();
  const double elapsed = seconds_since(start);
  std::size_t applied = 0, failures = 0, resent = 0;
  for (auto& s : sources) {
    applied += s->applied;
    failures += s->failures;
    resent += s->resent;
  }
  note(
      strf("feed: %zu of %zu movements applied; %zu messages sent again after a \"retry\" (the "
           "pipeline's queue was full)",
           applied, o.sources * o.messages * o.batch, resent));
  print_figure("feed_movements_per_s", static_cast<double>(applied) / elapsed, "movements/s", 0);
  print_figure("feed_failures", static_cast<double>(failures), "count", 0);
  for (auto& s : sources) {
    natsSubscription_Destroy(s->replies);
    natsConnection_Destroy(s->connection);
  }
  feed->reset();
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace ordo::bench

int main(int argc, char** argv) {
  using namespace ordo::bench;
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw BenchFailure(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--dir") {
      o.dir = value();
    } else if (arg == "--sources") {
      o.sources = std::stoul(value());
    } else if (arg == "--batch") {
      o.batch = std::stoul(value());
    } else if (arg == "--window") {
      o.window = std::stoul(value());
    } else if (arg == "--messages") {
      o.messages = std::stoul(value());
    } else if (arg == "--sites") {
      o.sites = std::stoul(value());
    } else if (arg == "--skus") {
      o.skus = std::stoul(value());
    } else if (arg == "--quick") {
      o.messages = 20;
      o.skus = 50;
    } else {
      std::fprintf(stderr, "feed_bench: unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  if (o.dir.empty()) return std::fprintf(stderr, "usage: feed_bench --dir DIR [...]\n"), 2;
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "feed_bench: %s\n", e.what());
    return 1;
  }
}
