#include "engine/engine_state.h"

namespace ordo::engine {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

bool starts_with(std::string_view s, std::string_view prefix, std::string_view& rest) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  rest = s.substr(prefix.size());
  return true;
}

const std::vector<std::string> kNoSites;

}  // namespace

std::string site_stream(std::string_view site_id) { return "site-" + std::string(site_id); }
std::string item_stream(std::string_view sku) { return "item-" + std::string(sku); }
std::string stock_stream(std::string_view site_id, std::string_view sku) {
  std::string s = "stock-";
  s.append(site_id).append(":").append(sku);
  return s;
}
std::string order_stream(std::string_view order_id) { return "order-" + std::string(order_id); }
std::string config_stream(std::string_view area) { return "config-" + std::string(area); }
std::string reservation_id(std::string_view order_id, std::uint32_t line) {
  return std::string(order_id) + "/" + std::to_string(line);
}

bool EngineState::apply(std::string_view stream, const wire::DomainEvent& event) {
  std::string_view id;
  return std::visit(
      Overloaded{
          [&](const domain::site::Event& e) {
            if (!starts_with(stream, "site-", id)) return false;
            auto& s = sites_[std::string(id)];
            s = domain::site::evolve(std::move(s), e);
            // Its time zone, found once here: sourcing asks every site's local day on every order.
            if (auto zone = domain::calendar::TimeZone::find(s.profile.time_zone)) {
              site_zones_.insert_or_assign(std::string(id), std::move(*zone));
            } else {
              site_zones_.erase(std::string(id));
            }
            return true;
          },
          [&](const domain::catalog::Event& e) {
            if (!starts_with(stream, "item-", id)) return false;
            auto& s = items_[std::string(id)];
            s = domain::catalog::evolve(std::move(s), e);
            return true;
          },
          [&](const domain::stock::Event& e) {
            if (!starts_with(stream, "stock-", id)) return false;
            const auto colon = id.find(':');
            if (colon == std::string_view::npos) return false;
            StockKey key{std::string(id.substr(0, colon)), std::string(id.substr(colon + 1))};
            auto [it, inserted] = stock_.try_emplace(key);
            if (inserted) sites_by_sku_[key.sku].push_back(key.site_id);
            it->second = domain::stock::evolve(std::move(it->second), e);
            return true;
          },
          [&](const domain::order::Event& e) {
            if (!starts_with(stream, "order-", id)) return false;
            std::string order_id(id);
            auto& s = orders_[order_id];
            const auto* open = s.open_round();
            const std::optional<domain::Instant> deadline_before =
                open != nullptr ? std::optional(open->deadline) : std::nullopt;
            s = domain::order::evolve(std::move(s), e);
            track_order(order_id, deadline_before, e, s);
            return true;
          },
          [&](const domain::configuration::Event& e) {
            if (!starts_with(stream, "config-", id)) return false;
            auto& area = configurations_[std::string(id)];
            area = domain::configuration::evolve(std::move(area), e);
            if (area.active && std::holds_alternative<domain::InventoryViews>(*area.active)) {
              inventory_views_ = std::get<domain::InventoryViews>(*area.active);
            }
            return true;
          },
      },
      event);
}

void EngineState::track_order(const std::string& order_id, std::optional<domain::Instant> deadline_before,
                              const domain::order::Event& event, const domain::order::State& after) {
  namespace order = domain::order;
  if (const auto* d = std::get_if<order::SourcingDecided>(&event)) decision_time_[order_id] = d->decided_at;
  if (const auto* c = std::get_if<order::OfferClaimed>(&event)) decision_time_[order_id] = c->claimed_at;
  if (const auto* p = std::get_if<order::OrderPlaced>(&event)) decision_time_[order_id] = p->placed_at;
  if (const auto* a = std::get_if<order::LinesAllocated>(&event)) {
    const auto decided = decision_time_[order_id];
    const auto& promise = after.placed.promise;
    std::set<std::string> sites;
    for (const auto& allocation : a->allocations) sites.insert(allocation.site_id);
    for (const auto& site : sites) {
      // The promised site prepares on the day its promise took; any other on the day it is given
      // the order, in its own calendar.
      const auto day = site == promise.site_id && promise.preparation_day != 0 ? promise.preparation_day
                                                                              : local_day(site, decided);
      ++site_day_load_[site][day];
    }
    if (after.sourcing_lines().empty()) decision_time_.erase(order_id);
  }
  if (std::holds_alternative<order::OfferRoundOpened>(event) ||
      std::holds_alternative<order::OfferClaimed>(event) ||
      std::holds_alternative<order::OfferRoundClosed>(event)) {
    if (deadline_before) deadlines_.erase({*deadline_before, order_id});
    if (const auto* r = after.open_round()) deadlines_.insert({r->deadline, order_id});
  }
  if (std::holds_alternative<order::LinesCancelled>(event) && after.sourcing_lines().empty()) {
    decision_time_.erase(order_id);
  }
}

const domain::configuration::State& EngineState::configuration(std::string_view area) const {
  static const domain::configuration::State kNever{};
  auto it = configurations_.find(std::string(area));
  return it == configurations_.end() ? kNever : it->second;
}

const domain::orchestration::Rules& EngineState::orchestration() const {
  const auto& area = configuration("orchestration");
  if (area.active) {
    if (const auto* rules = std::get_if<domain::orchestration::Rules>(&*area.active)) return *rules;
  }
  return domain::orchestration::default_rules();
}

std::int64_t EngineState::local_day(std::string_view site_id, domain::Instant at) const {
  if (const auto zone = site_zones_.find(site_id); zone != site_zones_.end()) {
    return domain::calendar::days_from_civil(zone->second.to_local(at).date);
  }
  return (at >= 0 ? at : at - domain::kMicrosPerDay + 1) / domain::kMicrosPerDay;
}

std::int64_t EngineState::preparations(std::string_view site_id, std::int64_t day) const {
  const auto site = site_day_load_.find(site_id);
  if (site == site_day_load_.end()) return 0;
  const auto it = site->second.find(day);
  return it == site->second.end() ? 0 : it->second;
}

std::uint64_t EngineState::version(const std::string& stream) const {
  auto it = versions_.find(stream);
  return it == versions_.end() ? 0 : it->second;
}

const domain::site::State* EngineState::site(std::string_view site_id) const {
  auto it = sites_.find(std::string(site_id));
  return it == sites_.end() || !it->second.exists ? nullptr : &it->second;
}

const domain::catalog::State* EngineState::item(std::string_view sku) const {
  auto it = items_.find(std::string(sku));
  return it == items_.end() || !it->second.exists ? nullptr : &it->second;
}

const domain::stock::State* EngineState::stock(std::string_view site_id,
                                               std::string_view sku) const {
  auto it = stock_.find(StockKey{std::string(site_id), std::string(sku)});
  return it == stock_.end() ? nullptr : &it->second;
}

const domain::order::State* EngineState::order(std::string_view order_id) const {
  auto it = orders_.find(std::string(order_id));
  return it == orders_.end() || !it->second.exists ? nullptr : &it->second;
}

const std::vector<std::string>& EngineState::sites_with(std::string_view sku) const {
  auto it = sites_by_sku_.find(std::string(sku));
  return it == sites_by_sku_.end() ? kNoSites : it->second;
}

}  // namespace ordo::engine
