#include "tests/sim/log_model.h"

#include "engine/streams.h"
#include "eventstore/codec/codec.h"

namespace ordo::sim {
namespace {

namespace order = domain::order;
namespace stock = domain::stock;

std::string round_name(const std::string& order_id, std::uint32_t round) {
  return order_id + " round " + std::to_string(round);
}

void mix(std::uint64_t& digest, std::string_view bytes) {
  for (const unsigned char c : bytes) digest = (digest ^ c) * 1099511628211ull;
  digest = (digest ^ 0xff) * 1099511628211ull;
}

}  // namespace

std::optional<std::string> LogModel::catch_up(const eventstore::EventStore& store) {
  while (true) {
    auto events = store.read_all(position_ + 1, 1024);
    if (!events) return "the log cannot be read: " + events.error().to_string();
    if (events->empty()) return std::nullopt;
    for (const auto& e : *events) {
      if (e.position != position_ + 1) return "the log skips from " + std::to_string(position_);
      position_ = e.position;
      mix(digest_, e.stream);
      mix(digest_, e.type);
      mix(digest_, e.payload);
      if (auto broken = fold(e)) return "position " + std::to_string(e.position) + ": " + *broken;
    }
  }
}

std::optional<std::string> LogModel::fold(const eventstore::RecordedEvent& e) {
  if (wire::kind_of(e.type) != wire::TypeKind::domain) return std::nullopt;
  auto decoded = wire::decode(e.type, e.schema_version, e.payload);
  if (!decoded) return "undecodable " + e.type + ": " + decoded.error().to_string();
  if (const auto* oe = std::get_if<order::Event>(&*decoded)) {
    const auto id = engine::parse_stream<engine::OrderAggregate>(e.stream);
    if (!id) return "an order event on stream " + e.stream;
    return fold_order(std::string(*id), *oe);
  }
  if (const auto* se = std::get_if<stock::Event>(&*decoded)) {
    const auto key = engine::parse_stream<engine::StockAggregate>(e.stream);
    if (!key) return "a stock event on stream " + e.stream;
    return fold_stock(std::string(key->site_id), std::string(key->sku), *se);
  }
  return std::nullopt;
}

// Each competitive event against the round as the log left it: a claim only on an open round,
// from a site offered and not declined, with no winner yet (one winner per round).
std::optional<std::string> LogModel::fold_order(const std::string& id, const order::Event& event) {
  auto& o = orders_[id];
  if (const auto* placed = std::get_if<order::OrderPlaced>(&event)) {
    for (const auto& l : placed->lines) o.lines[l.line] = {l.sku, l.quantity, {}, false, false};
  } else if (const auto* opened = std::get_if<order::OfferRoundOpened>(&event)) {
    if (o.rounds.contains(opened->round)) return round_name(id, opened->round) + " opened twice";
    for (const auto& [n, r] : o.rounds) {
      if (!r.closed && r.winner.empty()) return round_name(id, n) + " still open at the next";
    }
    auto& r = o.rounds[opened->round];
    r.sites = {opened->site_ids.begin(), opened->site_ids.end()};
    r.deadline = opened->deadline;
  } else if (const auto* claimed = std::get_if<order::OfferClaimed>(&event)) {
    const auto name = round_name(id, claimed->round);
    auto it = o.rounds.find(claimed->round);
    if (it == o.rounds.end()) return name + " claimed but never opened";
    auto& r = it->second;
    if (!r.winner.empty())
      return name + " has a second winner: " + claimed->site_id + " after " + r.winner;
    if (r.closed) return name + " claimed by " + claimed->site_id + " after it closed";
    if (!r.sites.contains(claimed->site_id)) return name + " claimed by " + claimed->site_id;
    if (r.declined.contains(claimed->site_id))
      return name + " claimed by " + claimed->site_id + ", which declined it";
    if (claimed->claimed_at > r.deadline) return name + " claimed after its deadline";
    r.winner = claimed->site_id;
    o.claimant = claimed->site_id;
  } else if (const auto* declined = std::get_if<order::OfferDeclined>(&event)) {
    auto it = o.rounds.find(declined->round);
    if (it == o.rounds.end() || !it->second.sites.contains(declined->site_id))
      return round_name(id, declined->round) + " declined by a site not offered";
    if (it->second.closed || !it->second.winner.empty())
      return round_name(id, declined->round) + " declined after it ended";
    it->second.declined.insert(declined->site_id);
  } else if (const auto* closed = std::get_if<order::OfferRoundClosed>(&event)) {
    auto it = o.rounds.find(closed->round);
    if (it == o.rounds.end()) return round_name(id, closed->round) + " closed but never opened";
    if (it->second.closed || !it->second.winner.empty())
      return round_name(id, closed->round) + " closed after it ended";
    auto& r = it->second;
    r.closed = true;
    r.end = std::string(order::to_string(closed->end));
    if (closed->end == order::RoundEnd::expired && closed->closed_at < r.deadline)
      return round_name(id, closed->round) + " expired before its deadline";
    if (closed->end == order::RoundEnd::all_declined && r.declined != r.sites)
      return round_name(id, closed->round) + " closed as all declined while a site had not";
  } else {
    fold_lines(o, event);
  }
  return std::nullopt;
}

// Where an order's lines are: allocated (after a claim or directly), released, cancelled, split.
void LogModel::fold_lines(OrderModel& o, const order::Event& event) {
  if (const auto* allocated = std::get_if<order::LinesAllocated>(&event)) {
    for (const auto& a : allocated->allocations) {
      o.lines[a.line].site = a.site_id;
      o.lines[a.line].claimed = a.site_id == o.claimant;
    }
    o.claimant.clear();
  } else if (const auto* released = std::get_if<order::AllocationReleased>(&event)) {
    ++o.releases[released->site_id];
    for (auto& [n, l] : o.lines) {
      const bool named =
          std::find(released->lines.begin(), released->lines.end(), n) != released->lines.end();
      if (named && l.site == released->site_id && !l.cancelled) l.site.clear();
    }
  } else if (const auto* cancelled = std::get_if<order::LinesCancelled>(&event)) {
    for (auto& [n, l] : o.lines) {
      if (std::find(cancelled->lines.begin(), cancelled->lines.end(), n) != cancelled->lines.end())
        l.cancelled = true;
    }
  } else if (const auto* split = std::get_if<order::LinesSplit>(&event)) {
    for (const auto& s : split->splits) {
      const auto sku = o.lines[s.line].sku;
      for (const auto& part : s.parts) o.lines[part.line] = {sku, part.quantity, {}, false, false};
    }
  }
}

std::optional<std::string> LogModel::fold_stock(const std::string& site, const std::string& sku,
                                                const stock::Event& event) {
  auto& s = stock_[{site, sku}];
  const auto where = " at " + site + ":" + sku;
  if (const auto* received = std::get_if<stock::StockReceived>(&event)) {
    s.on_hand += received->quantity;
  } else if (const auto* held = std::get_if<stock::StockHeld>(&event)) {
    if (s.reservations.contains(held->reservation_id))
      return "hold " + held->reservation_id + " taken twice" + where;
    s.reservations[held->reservation_id] = {held->order_id, held->line, held->quantity, true};
  } else if (const auto* reserved = std::get_if<stock::StockReserved>(&event)) {
    auto it = s.reservations.find(reserved->reservation_id);
    // The winner's hold becomes its reservation; a reservation is never taken twice.
    if (it != s.reservations.end() && !it->second.held)
      return "reservation " + reserved->reservation_id + " taken twice" + where;
    s.reservations[reserved->reservation_id] = {reserved->order_id, reserved->line,
                                                reserved->quantity, false};
  } else if (const auto* released = std::get_if<stock::ReservationReleased>(&event)) {
    auto it = s.reservations.find(released->reservation_id);
    if (it == s.reservations.end())
      return "release of " + released->reservation_id + ", which is not held" + where;
    it->second.quantity -= released->quantity;
    if (it->second.quantity <= 0) s.reservations.erase(it);
  } else if (std::holds_alternative<stock::StockCounted>(event) ||
             std::holds_alternative<stock::StockAdjusted>(event) ||
             std::holds_alternative<stock::StockShipped>(event)) {
    return "a stock event the simulation does not make" + where;
  }
  return std::nullopt;
}

std::optional<std::string> LogModel::check_stock() const {
  std::map<std::pair<std::string, std::uint32_t>, std::vector<std::string>> reserved;
  for (const auto& [key, s] : stock_) {
    std::int64_t taken = 0;
    for (const auto& [id, r] : s.reservations) {
      taken += r.quantity;
      if (!r.held) reserved[{r.order_id, r.line}].push_back(key.first);
    }
    if (taken > s.on_hand) {
      return key.first + ":" + key.second + " holds and reserves " + std::to_string(taken) +
             " of " + std::to_string(s.on_hand) + " on hand";
    }
  }
  for (const auto& [line, sites] : reserved) {
    const auto what = line.first + " line " + std::to_string(line.second);
    if (sites.size() > 1) return what + " is reserved twice: at " + sites[0] + " and " + sites[1];
    const auto* o = order(line.first);
    if (o == nullptr || !o->lines.contains(line.second))
      return what + " is reserved but was never placed";
    const auto l = o->lines.find(line.second);
    if (l->second.site != sites[0] || l->second.cancelled)
      return what + " is reserved at " + sites[0] + " but allocated to '" + l->second.site + "'" +
             (l->second.cancelled ? " (cancelled)" : "");
  }
  return std::nullopt;
}

std::optional<std::string> LogModel::check_quiet() const {
  if (auto broken = check_stock()) return broken;
  std::set<std::pair<std::string, std::uint32_t>> reserved;
  for (const auto& [key, s] : stock_) {
    for (const auto& [id, r] : s.reservations) {
      if (r.held) return "hold " + id + " at " + key.first + " outlived its rounds";
      reserved.insert({r.order_id, r.line});
    }
  }
  for (const auto& [id, o] : orders_) {
    for (const auto& [n, r] : o.rounds) {
      if (!r.closed && r.winner.empty()) return round_name(id, n) + " never ended";
    }
    for (const auto& [n, l] : o.lines) {
      if (!l.site.empty() && !l.cancelled && !reserved.contains({id, n}))
        return id + " line " + std::to_string(n) + " is allocated to " + l.site + " unreserved";
    }
  }
  return std::nullopt;
}

const OrderModel* LogModel::order(const std::string& order_id) const {
  auto it = orders_.find(order_id);
  return it == orders_.end() ? nullptr : &it->second;
}

const RoundModel* LogModel::round(const std::string& order_id, std::uint32_t round) const {
  const auto* o = order(order_id);
  if (o == nullptr) return nullptr;
  auto it = o->rounds.find(round);
  return it == o->rounds.end() ? nullptr : &it->second;
}

std::size_t LogModel::open_rounds() const {
  std::size_t open = 0;
  for (const auto& [id, o] : orders_) {
    for (const auto& [n, r] : o.rounds) open += !r.closed && r.winner.empty();
  }
  return open;
}

}  // namespace ordo::sim
