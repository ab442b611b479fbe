#include "tests/sim/allocation_sim.h"

#include "tests/sim/simulation.h"

namespace ordo::sim {
namespace {

namespace orch = domain::orchestration;
namespace ord = domain::order;

constexpr const char* kConsumer = "sim_allocation_relay";
constexpr const char* kSkus[] = {"SHOE-1", "CAP-1"};

// Post offices of Paris (La Poste's open data, ../shared/data/stores) as the retailer's stores.
struct StoreSite {
  const char* id;
  const char* name;
  const char* postcode;
  double latitude, longitude;
};
constexpr StoreSite kSites[] = {
    {"14167A", "Paris Place Gambetta", "75020", 48.864992, 2.397838},
    {"14181A", "Paris Belleville", "75011", 48.870699, 2.377968},
    {"14187A", "Paris Tour Montparnasse", "75015", 48.842197, 2.321955},
    {"14214A", "Paris Mozart", "75016", 48.856497, 2.271556},
    {"14220A", "Paris Volontaires", "75015", 48.841295, 2.307018},
    {"14222A", "Paris Louvre", "75002", 48.8641, 2.348539},
    {"14233A", "Paris Italie", "75013", 48.828697, 2.356767},
    {"14236A", "Paris Passy", "75016", 48.856697, 2.276077},
};

domain::site::Profile profile_of(const StoreSite& s) {
  domain::site::Profile p;
  p.name = s.name;
  p.type = domain::site::SiteType::store;
  p.country = "FR";
  p.region = "75";
  p.postcode = s.postcode;
  p.latitude = s.latitude;
  p.longitude = s.longitude;
  p.time_zone = "Europe/Paris";
  p.capabilities = {true, true, true};
  for (auto& day : p.opening_hours) day = {540, 1140};
  p.daily_capacity = 100;
  return p;
}

orch::Rules compete(std::int32_t round_size) {
  orch::Strategy s;
  s.name = "compete";
  s.ranking = {orch::Criterion::priority, orch::Criterion::stock_depth};
  s.groups = {{"stores", {{}, {domain::site::SiteType::store}, {}, {}}, 1, 4, 0, 0}};
  s.mode = orch::AllocationMode::competitive;
  s.round_size = round_size;
  s.round_timeout_ms = static_cast<std::int32_t>(kRoundTimeout / 1000);
  s.max_rounds = 3;
  s.fallback_direct = false;  // after the last round: customer service
  return {{s}, {}, "compete"};
}

}  // namespace

SimResult simulate(const SimOptions& options) {
  std::error_code ignored;
  std::filesystem::remove_all(options.dir, ignored);
  std::filesystem::create_directories(options.dir);
  SimResult result = Simulation(options).run();
  std::filesystem::remove_all(options.dir, ignored);
  return result;
}

SimResult Simulation::run() {
  // Each seed draws its own weather: from a clean network to a lossy, duplicating, slow one.
  net_.set_faults({static_cast<double>(random_.below(4)) * 0.1,
                   static_cast<double>(random_.below(4)) * 0.1,
                   static_cast<Instant>(random_.below(4)) * kSecond});
  start_ordo();
  setup();
  for (int i = 0; i < o_.steps && failure_.empty(); ++i) {
    step();
    if (failure_.empty()) check_step();
  }
  if (failure_.empty()) drain();
  if (failure_.empty()) check_quiet();
  stop_ordo();
  result_.failure = failure_;
  for (const auto& line : trace_) result_.trace += "  " + line + "\n";
  result_.events = log_.position();
  result_.digest = log_.digest() ^ (answer_digest_ * 31);
  result_.dropped = net_.dropped();
  result_.duplicated = net_.duplicated();
  for (const auto& [id, o] : log_.orders()) {
    for (const auto& [n, r] : o.rounds) {
      ++result_.rounds;
      result_.wins += !r.winner.empty();
    }
  }
  return result_;
}

void Simulation::fail(const std::string& why) {
  if (failure_.empty()) failure_ = why;
}

void Simulation::note(std::string what) {
  trace_.push_back("t+" + std::to_string((now_ - kStart) / 1000) + "ms @" +
                   std::to_string(log_.position()) + " " + std::move(what));
  if (trace_.size() > trace_max_) trace_.pop_front();
}

Store& Simulation::store_at(const std::string& site) {
  for (auto& s : stores_) {
    if (s.site == site) return s;
  }
  fail("a message for an unknown store " + site);
  return stores_.front();
}

// Ordo as a process: the log, the single writer and the query models. A crash ends it between
// two steps; what it acknowledged is durable (the crash and power-loss tests cover the rest).
void Simulation::start_ordo() {
  eventstore::Options options;
  options.data_dir = o_.dir;
  options.durability = eventstore::Durability::none;
  options.clock_us = [this] { return now_; };  // recorded-at times from the seeded clock too
  options.projection_families = projections::projection_families();
  auto store = eventstore::EventStore::open(options);
  if (!store) return fail("Ordo does not start: " + store.error().to_string());
  store_ = std::move(*store);
  engine::PipelineOptions pipeline_options;
  pipeline_options.clock = [this] { return now_; };
  pipeline_options.expire_on_its_own = false;
  auto pipeline = engine::Pipeline::start(*store_, pipeline_options);
  if (!pipeline) return fail("the pipeline does not start: " + pipeline.error().to_string());
  pipeline_ = std::move(*pipeline);
  auto projector = projections::Projector::start(*store_);
  if (!projector) return fail("the projector does not start: " + projector.error().to_string());
  projector_ = std::move(*projector);
  auto cursor = store_->load_checkpoint(kConsumer);
  if (!cursor) return fail("the relay's cursor cannot be read: " + cursor.error().to_string());
  cursor_ = *cursor;
}

void Simulation::stop_ordo() {
  projector_.reset();
  pipeline_.reset();
  store_.reset();
}

// Requests on their way to Ordo are lost when it goes (core NATS keeps nothing for it); the relay
// starts again from its last saved cursor.
void Simulation::crash(const std::string& where) {
  note("Ordo crashes " + where);
  ++result_.crashes;
  stop_ordo();
  net_.lose_requests(random_, 0.5);
  start_ordo();
}

engine::Answer Simulation::run_command(engine::Command command, eventstore::ActorKind kind) {
  engine::Submission submission;
  submission.command = std::move(command);
  submission.actor = {kind, "simulation"};
  return pipeline_->execute(std::move(submission));
}

void Simulation::setup() {
  namespace cfg = domain::configuration;
  using T = domain::site::SiteType;
  domain::InventoryViews views;
  views.channels.push_back({"web", {{}, {T::store}, {"FR"}, {}}, 100, {}, 0, 0});
  const auto round_size = static_cast<std::int32_t>(1 + random_.below(4));
  const auto system = eventstore::ActorKind::system;
  std::vector<engine::Command> commands = {
      cfg::Command{cfg::ChangeConfiguration{views, "sim", "channels", now_}},
      cfg::Command{cfg::ChangeConfiguration{compete(round_size), "sim", "stores compete", now_}}};
  for (const char* sku : kSkus) {
    commands.push_back(domain::catalog::Command{domain::catalog::DefineItem{
        {sku, sku, "shoes/running", "", 500, 1500, {4990, "EUR"}, false, true, {}}, now_}});
  }
  const int count = std::min<int>(o_.stores, static_cast<int>(std::size(kSites)));
  for (int i = 0; i < count; ++i) {
    const auto& site = kSites[i];
    stores_.push_back({site.id, {}, {}, {}, {}});
    commands.push_back(
        domain::site::Command{domain::site::RegisterSite{site.id, profile_of(site), now_}});
    for (const char* sku : kSkus) {
      const auto units = static_cast<std::int64_t>(random_.below(4));
      if (units == 0) continue;
      commands.push_back(
          engine::StockCommand{site.id, sku, domain::stock::ReceiveStock{units, "sim", now_}});
    }
  }
  for (auto& command : commands) {
    auto answer = run_command(std::move(command), system);
    if (!answer) return fail("the retailer's set-up was refused");
  }
  note("set up " + std::to_string(count) + " stores, rounds of " + std::to_string(round_size));
}

void Simulation::step() {
  const auto roll = random_.below(1000);
  if (roll < 380) return deliver();
  if (roll < 530) return relay();
  if (roll < 690) return store_acts();
  if (roll < 760) return time_passes(1 + static_cast<Instant>(random_.below(8 * kSecond)));
  if (roll < 800) return expire_due();
  if (roll < 860) return place_order();
  if (roll < 910) return retry(stores_[random_.below(stores_.size())]);
  if (roll < 970) return pending(stores_[random_.below(stores_.size())]);
  if (roll < 994) return customer_service();
  crash("between two steps");
}

void Simulation::place_order() {
  if (static_cast<int>(placed_.size()) >= o_.orders) return;
  ord::PlaceOrder p;
  p.order_id = "SIM-" + std::to_string(placed_.size() + 1);
  p.channel = "web";
  p.customer_id = "C" + std::to_string(placed_.size() + 1);
  p.email = "lea.martin@example.com";
  p.delivery = {"Léa Martin", "12 rue Oberkampf", "", "75011", "Paris", "FR", ""};
  p.billing = p.delivery;
  p.currency = "EUR";
  p.at = now_;
  const auto lines = 1 + random_.below(2);
  for (std::uint32_t n = 1; n <= lines; ++n) p.lines.push_back({n, kSkus[n - 1], 1, 4990});
  placed_.push_back(p.order_id);
  auto answer = run_command(std::move(p), eventstore::ActorKind::integration);
  if (!answer && std::holds_alternative<Error>(answer.error()))
    return fail("placing an order failed: " + std::get<Error>(answer.error()).to_string());
  note("order " + placed_.back() + (answer ? " placed" : " refused"));
}

// The relay's turn: a batch from its cursor, sent; the cursor saved now and then (after a crash
// it sends again from the last one saved, which stores must recognise).
void Simulation::relay() {
  auto events = store_->read_all(cursor_ + 1, 1 + random_.below(6), protocol::relayed_types());
  if (!events) return fail("the relay cannot read the log: " + events.error().to_string());
  if (events->empty()) return;
  std::vector<protocol::StoreMessage> messages;
  if (auto built = protocol::messages_for(*store_, *events, messages); !built)
    return fail("the relay cannot build its messages: " + built.error().to_string());
  const bool crash_midway = random_.chance(0.015);
  const auto count = crash_midway ? random_.below(messages.size() + 1) : messages.size();
  for (std::size_t i = 0; i < count; ++i)
    net_.send({Packet::To::store, messages[i].site, messages[i].body, 0, 0}, random_, now_);
  note("relay sends " + std::to_string(count) + " of " + std::to_string(messages.size()));
  if (crash_midway) return crash("while relaying a batch");
  cursor_ = events->back().position;
  if (random_.chance(0.5)) {
    if (auto saved = store_->save_checkpoint(kConsumer, cursor_, false); !saved)
      fail("the relay cannot save its cursor: " + saved.error().to_string());
  }
}

void Simulation::deliver() {
  auto packet = net_.take_due(random_, now_);
  if (!packet) return;
  if (packet->to == Packet::To::ordo) return to_ordo(*packet);
  to_store(*packet);
}

// A store's request reaches Ordo: decided by the pipeline, answered once durable, unless Ordo
// crashes in between (the store asks again, and the same key gives the same answer).
void Simulation::to_ordo(const Packet& packet) {
  auto request = protocol::request_of(packet.site, packet.body, now_);
  json answer;
  if (!request) {
    answer = request.error();
  } else if (request->action == "pending") {
    answer = protocol::pending_offers(*store_, *projector_, packet.site);
    check_pending(packet.site, answer);
  } else {
    auto decided = pipeline_->execute(std::move(request->submission));
    if (random_.chance(0.015)) return crash("after deciding a request, before answering it");
    answer = protocol::answer_of(decided, *request);
  }
  note(packet.site + " asked " + packet.body + ": " + answer.dump().substr(0, 120));
  net_.send({Packet::To::store, packet.site, answer.dump(), packet.inbox, 0}, random_, now_);
}

void Simulation::to_store(const Packet& packet) {
  auto& store = store_at(packet.site);
  const json doc = json::parse(packet.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return fail("a store got bad JSON: " + packet.body);
  if (packet.inbox != 0) return on_answer(store, packet.inbox, doc);
  on_message(store, doc);
}

}  // namespace ordo::sim
