#include "projections/promise_reads.h"

#include "domain/sellable.h"

namespace ordo::projections {

namespace promise = domain::promise;

void PromiseReads::set_holidays(domain::calendar::Holidays holidays) {
  std::lock_guard lock(mutex_);
  holidays_ = std::move(holidays);
  network_.reset();
}

void PromiseReads::invalidate_sku(const std::string& sku) {
  std::lock_guard lock(mutex_);
  supply_.erase(sku);
}

void PromiseReads::invalidate_all() {
  std::lock_guard lock(mutex_);
  supply_.clear();
  network_.reset();
}

std::shared_ptr<const promise::Network> PromiseReads::network(const engine::EngineState& state,
                                                              domain::Instant at) {
  const auto today = (at >= 0 ? at : at - domain::kMicrosPerDay + 1) / domain::kMicrosPerDay;
  std::lock_guard lock(mutex_);
  // Calendars are compiled from two days back for two years; recompiled a year on.
  if (network_ && today - 2 >= network_->first_day() && today + 366 <= network_->last_day())
    return network_;
  std::vector<promise::SiteInput> sites;
  sites.reserve(state.sites().size());
  for (const auto& [id, entry] : state.sites()) {
    if (entry.state.exists) sites.push_back({id, &entry.state.profile});
  }
  const auto& area = state.configuration("promise");
  const promise::Config* config = &promise::default_config();
  if (area.active) {
    if (const auto* c = std::get_if<promise::Config>(&*area.active)) config = c;
  }
  network_ = promise::Network::compile(*config, sites, holidays_,
                                       domain::calendar::civil_from_days(today - 2));
  supply_.clear();  // supplies hold network indices
  return network_;
}

std::shared_ptr<const PromiseReads::Supply> PromiseReads::supply(const engine::EngineState& state,
                                                                 const promise::Network& network,
                                                                 const std::string& sku,
                                                                 const std::string& channel) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = supply_.find(sku); it != supply_.end()) {
      if (auto c = it->second.find(channel); c != it->second.end()) return c->second;
    }
  }
  auto out = std::make_shared<Supply>();
  const auto* item = state.item(sku);
  const auto* view = state.inventory_views().find(channel);
  if (item != nullptr && view != nullptr) {
    for (const auto& h : state.holdings(sku)) {
      const auto site_id = h.site_id;
      const auto index = network.index_of(site_id);
      const auto* stock = h.stock;
      if (index < 0 || h.site == nullptr) continue;
      promise::SiteSupply s;
      s.site = static_cast<std::uint32_t>(index);
      s.now = domain::sellable::sellable_at_site(state.inventory_views(), channel, item->item,
                                                 {site_id, h.site, stock});
      if (domain::matches(view->sites, site_id, *h.site)) {
        for (const auto& [id, r] : stock->receipts) {
          if (r.status != domain::stock::ReceiptStatus::expected) continue;
          // The channel's share of what arrives, less what its pre-orders took, as for its
          // sellable figure.
          const auto share = r.quantity * view->share_percent / 100 - r.promised_to(channel);
          const auto units = std::min(r.unpromised(), share);
          if (units > 0) s.receipts.emplace_back(r.expected_at, units);
        }
      }
      if (s.now > 0 || !s.receipts.empty()) out->push_back(std::move(s));
    }
  }
  std::lock_guard lock(mutex_);
  // Only cache against the network it indexes.
  if (network_.get() == &network) supply_[sku][channel] = out;
  return out;
}

Result<PromiseAnswer> PromiseReads::compute(const engine::EngineState& state,
                                            const PromiseQuery& query) {
  if (state.inventory_views().find(query.channel) == nullptr) {
    return fail(ErrorCode::not_found, "unknown channel '" + query.channel.substr(0, 64) + "'");
  }
  const auto net = network(state, query.at);
  promise::Request request;
  request.channel = query.channel;
  request.destination = query.destination;
  request.at = query.at;
  request.explain = query.explain;
  request.pickup_point = query.pickup_point;
  std::vector<std::shared_ptr<const Supply>> held;  // keeps each supply alive while it is read
  for (const auto& line : query.lines) {
    if (line.quantity < 1)
      return fail(ErrorCode::invalid_argument, "quantity of " + line.sku + " must be at least 1");
    const auto* item = state.item(line.sku);
    if (item == nullptr)
      return fail(ErrorCode::not_found, "unknown SKU '" + line.sku.substr(0, 64) + "'");
    // Saturating: a catalog weight times 10,000 units must not wrap round to a light cart.
    const auto add = [&](std::int64_t& total, std::int64_t each) {
      std::int64_t product = 0;
      if (__builtin_mul_overflow(each, line.quantity, &product) ||
          __builtin_add_overflow(total, product, &total)) {
        total = std::numeric_limits<std::int64_t>::max();
      }
    };
    add(request.weight_g, item->item.weight_g);
    add(request.volume_cm3, item->item.volume_cm3);
    add(request.value_minor, item->item.price.minor);
    if (request.not_collectable.empty() &&
        !promise::collectable(net->config().collect, item->item.click_and_collect,
                              item->item.category))
      request.not_collectable = line.sku;
    auto existing = std::find_if(request.lines.begin(), request.lines.end(),
                                 [&](const promise::LineSupply& l) { return l.sku == line.sku; });
    if (existing != request.lines.end()) {
      existing->quantity += line.quantity;
      continue;
    }
    held.push_back(supply(state, *net, line.sku, query.channel));
    request.lines.push_back({line.sku, line.quantity, *held.back()});
  }
  PromiseAnswer answer;
  answer.result = promise::compute(*net, request, [&](std::uint32_t site, std::int64_t day) {
    return state.preparations(net->site_id(site), day);
  });
  answer.currency = net->config().currency;
  answer.config_version = state.configuration("promise").version;
  return answer;
}

std::vector<promise::NearbyRelay> PromiseReads::relays(const engine::EngineState& state,
                                                       domain::geo::Point place,
                                                       std::int32_t& max_km, std::size_t limit,
                                                       domain::Instant at) {
  const auto net = network(state, at);
  if (max_km <= 0) max_km = net->config().pickup_point_max_km;
  return promise::relays_near(*net, place, max_km, limit);
}

}  // namespace ordo::projections
