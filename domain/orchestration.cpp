#include "domain/orchestration.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "domain/calendar.h"
#include "domain/orchestration_internal.h"

namespace ordo::domain::orchestration {
namespace {

using site::SiteType;

std::string at(const std::string& pointer, std::string_view field) {
  return pointer + "/" + std::string(field);
}
std::string at(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

template <class T, class V>
bool contains(const std::vector<T>& values, const V& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// Month and day (MMDD) of an instant, UTC.
std::uint16_t month_day(Instant at) {
  const auto date =
      calendar::civil_from_days((at >= 0 ? at : at - kMicrosPerDay + 1) / kMicrosPerDay);
  return static_cast<std::uint16_t>(date.month * 100 + date.day);
}

bool valid_month_day(std::uint16_t md) {
  constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const unsigned month = md / 100, day = md % 100;
  return month >= 1 && month <= 12 && day >= 1 && day <= kDays[month - 1];
}

bool in_season(const Selector& s, std::uint16_t today) {
  if (s.from_month_day == 0 && s.to_month_day == 0) return true;
  if (s.from_month_day <= s.to_month_day)
    return today >= s.from_month_day && today <= s.to_month_day;
  return today >= s.from_month_day || today <= s.to_month_day;  // wraps the year end
}

void validate_strategy(const Strategy& s, const std::string& p, std::vector<ConfigError>& errors) {
  if (s.name.empty()) errors.push_back({at(p, "name"), "strategy name is required"});
  for (std::size_t i = 0; i < s.countries.size(); ++i) {
    if (!is_country_code(s.countries[i])) {
      errors.push_back(
          {at(at(p, "countries"), i), "\"" + s.countries[i] + "\" is not a country code"});
    }
  }
  auto non_negative = [&](std::int64_t v, std::string_view field) {
    if (v < 0) errors.push_back({at(p, field), std::string(field) + " must not be negative"});
  };
  non_negative(s.max_distance_km, "max_distance_km");
  non_negative(s.max_lead_time_hours, "max_lead_time_hours");
  non_negative(s.split_min_value_minor, "split_min_value_minor");
  std::vector<Criterion> seen;
  for (std::size_t i = 0; i < s.ranking.size(); ++i) {
    if (static_cast<unsigned>(s.ranking[i]) > static_cast<unsigned>(Criterion::stock_depth)) {
      errors.push_back({at(at(p, "ranking"), i), "unknown ranking criterion"});
    } else if (contains(seen, s.ranking[i])) {
      errors.push_back({at(at(p, "ranking"), i),
                        "criterion " + std::string(to_string(s.ranking[i])) + " is listed twice"});
    }
    seen.push_back(s.ranking[i]);
  }
  for (std::size_t i = 0; i < s.groups.size(); ++i) {
    const auto gp = at(at(p, "groups"), i);
    validate_site_selector(s.groups[i].sites, at(gp, "sites"), errors);
    if (s.groups[i].lead_time_hours < 0)
      errors.push_back({at(gp, "lead_time_hours"), "lead_time_hours must not be negative"});
    if (s.groups[i].cost_base_minor < 0)
      errors.push_back({at(gp, "cost_base_minor"), "cost_base_minor must not be negative"});
    if (s.groups[i].cost_per_km_minor < 0 || s.groups[i].cost_per_km_minor > 1'000'000) {
      errors.push_back({at(gp, "cost_per_km_minor"), "cost_per_km_minor is outside 0..1000000"});
    }
    if (s.groups[i].cost_base_minor > 1'000'000'000)
      errors.push_back({at(gp, "cost_base_minor"), "cost_base_minor is over 1000000000"});
  }
  for (std::size_t i = 0; i < s.rates.size(); ++i) {
    const auto rp = at(at(p, "rates"), i);
    validate_site_selector(s.rates[i].from, at(rp, "from"), errors);
    if (!s.rates[i].to_country.empty() && !is_country_code(s.rates[i].to_country)) {
      errors.push_back(
          {at(rp, "to_country"), "\"" + s.rates[i].to_country + "\" is not a country code"});
    }
    if (s.rates[i].cost_minor < 0)
      errors.push_back({at(rp, "cost_minor"), "cost_minor must not be negative"});
  }
  if (static_cast<unsigned>(s.split) > static_cast<unsigned>(SplitPolicy::above_value)) {
    errors.push_back({at(p, "split"), "unknown split policy"});
  }
  if (static_cast<unsigned>(s.mode) > static_cast<unsigned>(AllocationMode::competitive)) {
    errors.push_back({at(p, "mode"), "unknown allocation mode"});
  }
  if (s.mode == AllocationMode::competitive) {
    if (s.competitive_types.empty())
      errors.push_back(
          {at(p, "competitive_types"), "competitive rounds need at least one site type"});
    if (s.round_size < 1 || s.round_size > 50)
      errors.push_back({at(p, "round_size"),
                        "round_size " + std::to_string(s.round_size) + " is outside 1..50"});
    if (s.round_timeout_ms < 100 || s.round_timeout_ms > 86'400'000) {
      errors.push_back(
          {at(p, "round_timeout_ms"),
           "round_timeout_ms " + std::to_string(s.round_timeout_ms) + " is outside 100..86400000"});
    }
    if (s.max_rounds < 1 || s.max_rounds > 20)
      errors.push_back({at(p, "max_rounds"),
                        "max_rounds " + std::to_string(s.max_rounds) + " is outside 1..20"});
  }
}

using detail::Candidate;

const SiteGroup kNoGroup{"", {}, 100, 0, 0, 0};

const SiteGroup& group_of(const Strategy& s, const SiteFacts& site) {
  for (const auto& g : s.groups) {
    if (matches(g.sites, site.site_id, *site.profile)) return g;
  }
  return kNoGroup;
}

std::int64_t cost_of(const Strategy& s, const SiteGroup& group, const SiteFacts& site,
                     const Request& request, double distance) {
  for (const auto& rate : s.rates) {
    if (matches(rate.from, site.site_id, *site.profile) &&
        (rate.to_country.empty() || rate.to_country == request.delivery.country) &&
        request.delivery.postcode.starts_with(rate.to_postcode_prefix)) {
      return rate.cost_minor;
    }
  }
  return group.cost_base_minor +
         static_cast<std::int64_t>(
             std::llround(std::max(distance, 0.0) * static_cast<double>(group.cost_per_km_minor)));
}

// Why `site` cannot serve this order under `s`, or "" when it passes every filter but stock.
std::string filtered_out(const Strategy& s, const Request& r, const SiteFacts& site,
                         const SiteGroup& group, double distance) {
  const auto& p = *site.profile;
  if (r.tried.contains(site.site_id)) return "already offered or tried for this order";
  if (p.status != site::Status::open) {
    return "site " + std::string(site::to_string(p.status)) + " (not sourcing)";
  }
  if (contains(s.excluded_sites, site.site_id)) return "excluded by strategy " + s.name;
  if (!s.site_types.empty() ? !contains(s.site_types, p.type) : p.type == SiteType::pickup_point) {
    return "site type " +
           std::string(p.type == SiteType::store        ? "store"
                       : p.type == SiteType::warehouse  ? "warehouse"
                       : p.type == SiteType::dark_store ? "dark_store"
                                                        : "pickup_point") +
           " not allowed";
  }
  if (r.method == order::DeliveryMethod::click_and_collect) {
    if (!p.capabilities.click_and_collect) return "no click and collect";
  } else if (p.type == SiteType::store && !p.capabilities.ship_from_store) {
    return "does not ship from store";
  }
  if (!s.countries.empty() && !contains(s.countries, p.country))
    return "country " + p.country + " not allowed";
  if (s.same_country && p.country != r.delivery.country)
    return "not in the delivery country " + r.delivery.country;
  if (contains(s.excluded_regions, p.region)) return "region " + p.region + " excluded";
  if (s.max_distance_km > 0) {
    if (distance < 0) return "distance unknown (delivery postcode not located)";
    if (distance > s.max_distance_km) {
      return std::to_string(std::lround(distance)) + " km away, over " +
             std::to_string(s.max_distance_km) + " km";
    }
  }
  if (s.max_lead_time_hours > 0 && group.lead_time_hours > s.max_lead_time_hours) {
    return "lead time " + std::to_string(group.lead_time_hours) + " h over " +
           std::to_string(s.max_lead_time_hours) + " h";
  }
  if (s.require_capacity && site.capacity_left <= 0) return "no preparation capacity left today";
  return "";
}

// Negative keys where more is better, so every criterion sorts ascending.
auto key_of(const Candidate& c, Criterion k) -> std::int64_t {
  switch (k) {
    case Criterion::priority:
      return c.group->priority;
    case Criterion::distance:
      return c.distance < 0 ? INT64_MAX : std::llround(c.distance * 1000);
    case Criterion::shipping_cost:
      return c.cost;
    case Criterion::capacity:
      return -c.site->capacity_left;
    case Criterion::stock_depth:
      return -c.depth;
  }
  return 0;
}

std::string facts_of(const Candidate& c) {
  std::string out = "priority " + std::to_string(c.group->priority);
  if (!c.group->name.empty()) out += " (" + c.group->name + ")";
  out += c.distance >= 0 ? ", " + std::to_string(std::lround(c.distance)) + " km"
                         : ", distance unknown";
  out += ", cost " + std::to_string(c.cost) + ", capacity " +
         std::to_string(c.site->capacity_left) + ", stock to spare " + std::to_string(c.depth);
  if (!c.serves_all) out += ", serves part of the order";
  return out;
}

}  // namespace

std::string_view to_string(Criterion c) {
  switch (c) {
    case Criterion::priority:
      return "priority";
    case Criterion::distance:
      return "distance";
    case Criterion::shipping_cost:
      return "shipping_cost";
    case Criterion::capacity:
      return "capacity";
    case Criterion::stock_depth:
      return "stock_depth";
  }
  return "?";
}
std::string_view to_string(SplitPolicy p) {
  switch (p) {
    case SplitPolicy::never:
      return "never";
    case SplitPolicy::minimize_shipments:
      return "minimize_shipments";
    case SplitPolicy::above_value:
      return "above_value";
  }
  return "?";
}
std::string_view to_string(AllocationMode m) {
  return m == AllocationMode::direct        ? "direct"
         : m == AllocationMode::competitive ? "competitive"
                                            : "?";
}

const Strategy* Rules::find(std::string_view name) const {
  for (const auto& s : strategies) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const Strategy* Rules::select(std::string_view channel, std::string_view country,
                              Instant at) const {
  const auto today = month_day(at);
  for (const auto& sel : selectors) {
    if ((sel.channels.empty() || contains(sel.channels, channel)) &&
        (sel.countries.empty() || contains(sel.countries, country)) && in_season(sel, today)) {
      return find(sel.strategy);
    }
  }
  return default_strategy.empty() ? nullptr : find(default_strategy);
}

std::vector<ConfigError> validate(const Rules& rules) {
  std::vector<ConfigError> errors;
  if (rules.strategies.empty())
    errors.push_back({"/strategies", "at least one strategy is required"});
  for (std::size_t i = 0; i < rules.strategies.size(); ++i) {
    validate_strategy(rules.strategies[i], at("/strategies", i), errors);
    for (std::size_t j = 0; j < i; ++j) {
      if (!rules.strategies[i].name.empty() &&
          rules.strategies[j].name == rules.strategies[i].name) {
        errors.push_back({at(at("/strategies", i), "name"),
                          "strategy " + rules.strategies[i].name + " is defined twice"});
      }
    }
  }
  for (std::size_t i = 0; i < rules.selectors.size(); ++i) {
    const auto& sel = rules.selectors[i];
    const auto p = at("/selectors", i);
    if (rules.find(sel.strategy) == nullptr) {
      errors.push_back({at(p, "strategy"), "no strategy named \"" + sel.strategy + "\""});
    }
    for (std::size_t c = 0; c < sel.countries.size(); ++c) {
      if (!is_country_code(sel.countries[c]))
        errors.push_back(
            {at(at(p, "countries"), c), "\"" + sel.countries[c] + "\" is not a country code"});
    }
    const bool all_year = sel.from_month_day == 0 && sel.to_month_day == 0;
    if (!all_year && !valid_month_day(sel.from_month_day))
      errors.push_back({at(p, "from_month_day"), "not a month and day (MMDD)"});
    if (!all_year && !valid_month_day(sel.to_month_day))
      errors.push_back({at(p, "to_month_day"), "not a month and day (MMDD)"});
  }
  if (!rules.default_strategy.empty() && rules.find(rules.default_strategy) == nullptr) {
    errors.push_back({"/default_strategy", "no strategy named \"" + rules.default_strategy + "\""});
  }
  return errors;
}

const Rules& default_rules() {
  static const Rules rules = [] {
    Strategy s;
    s.name = "default";
    s.require_capacity = false;
    s.ranking = {Criterion::priority, Criterion::stock_depth};
    s.groups = {{"warehouses", {{}, {SiteType::warehouse}, {}, {}}, 10, 0, 0, 0}};
    return Rules{{s}, {}, "default"};
  }();
  return rules;
}

std::vector<std::pair<std::string, std::int64_t>> demand_of(
    const std::vector<order::OrderLine>& lines) {
  std::vector<std::pair<std::string, std::int64_t>> demand;
  for (const auto& line : lines) {
    auto it =
        std::find_if(demand.begin(), demand.end(), [&](auto& d) { return d.first == line.sku; });
    if (it == demand.end())
      demand.emplace_back(line.sku, line.quantity);
    else
      it->second += line.quantity;
  }
  return demand;
}

const Strategy* strategy_for(const Rules& rules, const Request& request) {
  return rules.select(request.channel, request.delivery.country, request.at);
}

namespace {

// The sites that pass every filter of the strategy and hold some line, with their ranking facts;
// the others go to `dropped` with the reason.
std::vector<Candidate> candidates_of(const Strategy& s, const Request& request,
                                     const std::vector<SiteFacts>& sites, bool partial_ok,
                                     std::vector<Considered>& dropped) {
  std::vector<Candidate> candidates;
  for (const auto& site : sites) {
    Candidate c{&site, &group_of(s, site)};
    if (request.destination) {
      c.distance =
          geo::distance_km(*request.destination, {site.profile->latitude, site.profile->longitude});
    }
    const std::int32_t km =
        c.distance < 0 ? -1 : static_cast<std::int32_t>(std::lround(c.distance));
    auto why = filtered_out(s, request, site, *c.group, c.distance);
    if (why.empty()) {
      c.depth = INT64_MAX;
      bool serves_any = false;
      for (std::size_t i = 0; i < request.demand.size(); ++i) {
        const auto spare = site.available[i] - request.demand[i].second;
        c.depth = std::min(c.depth, spare);
        serves_any = serves_any || spare >= 0 || (partial_ok && site.available[i] > 0);
      }
      // A receipt it may pre-order on: part of a line when splitting, else a whole SKU.
      for (const auto& in : site.incoming) {
        serves_any = serves_any || (partial_ok ? in.quantity > 0
                                               : in.quantity >= request.demand[in.demand].second);
      }
      c.serves_all = c.depth >= 0;
      if (!serves_any) why = "not enough stock for any line";
    }
    if (!why.empty()) {
      dropped.push_back({site.site_id, "dropped", std::move(why), 0, km});
      continue;
    }
    c.cost = cost_of(s, *c.group, site, request, c.distance);
    candidates.push_back(c);
  }
  return candidates;
}

bool may_split(const Strategy& s, const Request& request) {
  return s.split == SplitPolicy::minimize_shipments ||
         (s.split == SplitPolicy::above_value &&
          request.order_value_minor >= s.split_min_value_minor);
}

// The site the customer's delivery promise was computed from, when it can serve the whole order:
// sourcing keeps the promise the checkout made.
bool keeps_promise(const Request& request, const Candidate& c) {
  return !request.promised_site.empty() && c.serves_all && c.site->site_id == request.promised_site;
}

void rank_candidates(const Strategy& s, const Request& request,
                     std::vector<Candidate>& candidates) {
  const auto& ranking = s.ranking.empty()
                            ? std::vector<Criterion>{Criterion::priority, Criterion::stock_depth}
                            : s.ranking;
  std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
    if (keeps_promise(request, a) != keeps_promise(request, b)) return keeps_promise(request, a);
    for (auto k : ranking) {
      const auto ka = key_of(a, k), kb = key_of(b, k);
      if (ka != kb) return ka < kb;
    }
    return a.site->site_id < b.site->site_id;
  });
}

void allocate_all_to(const Request& request, const std::string& site_id, Plan& out) {
  for (const auto& line : request.lines) out.allocations.push_back({line.line, site_id});
  out.kind = Plan::Kind::direct;
}

// Fewest shipments, greedily: the best-ranked site covering most of the SKUs left. Allocates
// nothing when the candidates together cannot cover every SKU.
void split(const Request& request, const std::vector<Candidate>& candidates, Plan& out) {
  std::vector<std::string> site_of_sku(request.demand.size());
  std::size_t left = request.demand.size();
  const auto covers = [&](const Candidate& c, std::size_t i) {
    return site_of_sku[i].empty() && c.site->available[i] >= request.demand[i].second;
  };
  while (left > 0) {
    const Candidate* best = nullptr;
    std::size_t best_cover = 0;
    for (const auto& c : candidates) {
      std::size_t cover = 0;
      for (std::size_t i = 0; i < request.demand.size(); ++i) cover += covers(c, i) ? 1 : 0;
      if (cover > best_cover) best = &c, best_cover = cover;
    }
    if (best == nullptr) return;
    for (std::size_t i = 0; i < request.demand.size(); ++i) {
      if (covers(*best, i)) {
        site_of_sku[i] = best->site->site_id;
        --left;
      }
    }
  }
  for (const auto& line : request.lines) {
    const auto i = std::find_if(request.demand.begin(), request.demand.end(),
                                [&](auto& d) { return d.first == line.sku; }) -
                   request.demand.begin();
    out.allocations.push_back({line.line, site_of_sku[static_cast<std::size_t>(i)]});
  }
  out.kind = Plan::Kind::direct;
}

// A direct allocation: one site for every line, else a split when the strategy allows it (by SKU,
// then by quantity and onto receipts), else one site with receipts; the reason a buyer can act on
// when none works.
void allocate_directly(const Strategy& s, const Request& request,
                       const std::vector<Candidate>& candidates, Plan& out) {
  const bool splits = may_split(s, request);
  const auto whole =
      std::find_if(candidates.begin(), candidates.end(), [](auto& c) { return c.serves_all; });
  if (whole != candidates.end()) {
    allocate_all_to(request, whole->site->site_id, out);
    return;
  }
  if (splits && !candidates.empty()) {
    split(request, candidates, out);
    if (out.kind == Plan::Kind::none) detail::fill(request, candidates, out);
    return;  // fill names the SKU the candidates together cannot cover
  }
  if (!splits && detail::one_site_with_receipts(request, candidates, out)) return;
  out.reason = "out of stock: no single site can serve every line, and strategy " + s.name +
               " does not split";
  // Name the first SKU no eligible site has enough of.
  for (std::size_t i = 0; i < request.demand.size(); ++i) {
    const bool somewhere = std::any_of(
        candidates.begin(), candidates.end(),
        [&](const Candidate& c) { return c.site->available[i] >= request.demand[i].second; });
    if (!somewhere) {
      out.reason = "out of stock: no eligible site can sell " +
                   std::to_string(request.demand[i].second) + " of " + request.demand[i].first +
                   " to channel " + request.channel;
      return;
    }
  }
}

// Every site considered, ranked candidates first (with the verdict the plan gave each), then the
// dropped ones with their reason, by site id (the sites' facts come in no particular order).
void explain(const Request& request, const std::vector<Candidate>& candidates,
             std::vector<Considered> dropped, Plan& out) {
  std::int32_t rank = 0;
  for (const auto& c : candidates) {
    const auto& id = c.site->site_id;
    std::string verdict = "candidate";
    if (contains(out.offered, id)) verdict = "offered";
    if (std::any_of(out.pre_orders.begin(), out.pre_orders.end(),
                    [&](auto& p) { return p.site_id == id; })) {
      verdict = "pre_ordered";
    }
    if (std::any_of(out.allocations.begin(), out.allocations.end(),
                    [&](auto& a) { return a.site_id == id; })) {
      verdict = "allocated";
    }
    out.considered.push_back(
        {id, verdict,
         keeps_promise(request, c) ? "keeps the delivery promise; " + facts_of(c) : facts_of(c),
         ++rank, c.distance < 0 ? -1 : static_cast<std::int32_t>(std::lround(c.distance))});
  }
  std::sort(dropped.begin(), dropped.end(),
            [](const Considered& a, const Considered& b) { return a.site_id < b.site_id; });
  for (auto& d : dropped) out.considered.push_back(std::move(d));
}

}  // namespace

Plan plan(const Rules& rules, const Request& request, const std::vector<SiteFacts>& sites) {
  Plan out;
  const Strategy* s = strategy_for(rules, request);
  if (s == nullptr) {
    out.reason = "no orchestration strategy applies to channel " + request.channel +
                 " and country " + request.delivery.country;
    return out;
  }
  out.strategy = s->name;
  std::vector<Considered> dropped;
  auto candidates = candidates_of(*s, request, sites, may_split(*s, request), dropped);
  rank_candidates(*s, request, candidates);
  // A promised site that can serve the whole order takes it directly: the promise's date was
  // computed from its stock, calendar and capacity, and a competing store could not keep it.
  const bool promised = !candidates.empty() && keeps_promise(request, candidates.front());
  if (promised) allocate_all_to(request, candidates.front().site->site_id, out);
  if (!promised && s->mode == AllocationMode::competitive &&
      request.round <= static_cast<std::uint32_t>(s->max_rounds)) {
    for (const auto& c : candidates) {
      if (c.serves_all && contains(s->competitive_types, c.site->profile->type) &&
          out.offered.size() < static_cast<std::size_t>(s->round_size)) {
        out.offered.push_back(c.site->site_id);
      }
    }
    if (!out.offered.empty()) {
      out.kind = Plan::Kind::round;
      out.deadline = request.at + static_cast<Instant>(s->round_timeout_ms) * 1000;
    }
  }
  if (out.kind == Plan::Kind::none &&
      (s->mode == AllocationMode::direct || request.round == 1 || s->fallback_direct)) {
    allocate_directly(*s, request, candidates, out);
  } else if (out.kind == Plan::Kind::none) {
    out.reason = "no store claimed the order in " + std::to_string(request.round - 1) +
                 " rounds, and strategy " + s->name + " has no direct fallback";
  }
  explain(request, candidates, std::move(dropped), out);
  return out;
}

}  // namespace ordo::domain::orchestration
