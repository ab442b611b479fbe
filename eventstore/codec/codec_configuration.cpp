// Codec of configuration events and their documents, and the dispatch over every domain event.
#include <algorithm>

#include "eventstore/codec/codec.h"
#include "eventstore/codec/codec_parts.h"
#include "eventstore/codec/codec_support.h"
#include "eventstore/codec/schema/configuration_generated.h"

namespace ordo::wire {
namespace fb = ordo::events::fb;
namespace cfg = domain::configuration;

namespace {

flatbuffers::Offset<fb::SiteSelector> selector_offset(Builder& b, const domain::SiteSelector& s) {
  std::vector<std::uint8_t> types;
  for (auto t : s.types) types.push_back(static_cast<std::uint8_t>(t));
  return fb::CreateSiteSelector(b, strings(b, s.site_ids), b.CreateVector(types),
                                strings(b, s.countries), strings(b, s.regions));
}

domain::SiteSelector selector_of(const fb::SiteSelector* s) {
  domain::SiteSelector out;
  if (s == nullptr) return out;
  out.site_ids = texts(s->site_ids());
  for (auto t : scalars(s->types())) {
    out.types.push_back(enum_of(t, domain::site::SiteType::pickup_point, "site type"));
  }
  out.countries = texts(s->countries());
  out.regions = texts(s->regions());
  return out;
}

flatbuffers::Offset<fb::ChannelView> channel_offset(Builder& b, const domain::ChannelView& c) {
  std::vector<flatbuffers::Offset<fb::SafetyStockRule>> safety;
  for (const auto& r : c.safety_stock) {
    safety.push_back(fb::CreateSafetyStockRule(b, selector_offset(b, r.sites),
                                               b.CreateString(r.category_prefix), r.quantity));
  }
  return fb::CreateChannelView(b, b.CreateString(c.channel), selector_offset(b, c.sites),
                               c.share_percent, b.CreateVector(safety), c.future_horizon_days,
                               c.minimum_display);
}

flatbuffers::Offset<fb::InventoryViews> views_offset(Builder& b, const domain::InventoryViews& v) {
  std::vector<flatbuffers::Offset<fb::ChannelView>> channels;
  for (const auto& c : v.channels) channels.push_back(channel_offset(b, c));
  std::vector<flatbuffers::Offset<fb::Exclusion>> exclusions;
  for (const auto& x : v.exclusions) {
    exclusions.push_back(fb::CreateExclusion(b, b.CreateString(x.name), selector_offset(b, x.sites),
                                             strings(b, x.skus), b.CreateString(x.category_prefix),
                                             x.quantity, strings(b, x.for_channels)));
  }
  return fb::CreateInventoryViews(b, b.CreateVector(channels), b.CreateVector(exclusions));
}

domain::InventoryViews views_of(const fb::InventoryViews* v) {
  domain::InventoryViews out;
  if (v == nullptr) return out;
  if (v->channels() != nullptr) {
    for (const auto* c : *v->channels()) {
      domain::ChannelView view{text(c->channel()),       selector_of(c->sites()),
                               c->share_percent(),       {},
                               c->future_horizon_days(), c->minimum_display()};
      if (c->safety_stock() != nullptr) {
        for (const auto* r : *c->safety_stock()) {
          view.safety_stock.push_back(
              {selector_of(r->sites()), text(r->category_prefix()), r->quantity()});
        }
      }
      out.channels.push_back(std::move(view));
    }
  }
  if (v->exclusions() != nullptr) {
    for (const auto* x : *v->exclusions()) {
      out.exclusions.push_back({text(x->name()), selector_of(x->sites()), texts(x->skus()),
                                text(x->category_prefix()), x->quantity(),
                                texts(x->for_channels())});
    }
  }
  return out;
}

namespace orch = domain::orchestration;

template <class E>
std::vector<std::uint8_t> bytes_of(const std::vector<E>& values) {
  std::vector<std::uint8_t> out;
  for (auto v : values) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

// Stored values past an enumeration's last one are clamped to it: validate() refuses them before
// they are ever written.
template <class E>
std::vector<E> enums_of(const flatbuffers::Vector<std::uint8_t>* v, E last, const char* field) {
  std::vector<E> out;
  for (auto x : scalars(v)) out.push_back(enum_of(x, last, field));
  return out;
}

flatbuffers::Offset<fb::OrchestrationRules> rules_offset(Builder& b, const orch::Rules& r) {
  std::vector<flatbuffers::Offset<fb::Strategy>> strategies;
  for (const auto& s : r.strategies) {
    std::vector<flatbuffers::Offset<fb::SiteGroup>> groups;
    for (const auto& g : s.groups) {
      groups.push_back(fb::CreateSiteGroup(b, b.CreateString(g.name), selector_offset(b, g.sites),
                                           g.priority, g.lead_time_hours, g.cost_base_minor,
                                           g.cost_per_km_minor));
    }
    std::vector<flatbuffers::Offset<fb::Rate>> rates;
    for (const auto& rate : s.rates) {
      rates.push_back(fb::CreateRate(b, selector_offset(b, rate.from),
                                     b.CreateString(rate.to_country),
                                     b.CreateString(rate.to_postcode_prefix), rate.cost_minor));
    }
    strategies.push_back(fb::CreateStrategy(
        b, b.CreateString(s.name), b.CreateVector(bytes_of(s.site_types)), strings(b, s.countries),
        s.same_country, strings(b, s.excluded_sites), strings(b, s.excluded_regions),
        s.require_capacity, s.max_distance_km, s.max_lead_time_hours,
        b.CreateVector(bytes_of(s.ranking)), b.CreateVector(groups), b.CreateVector(rates),
        static_cast<std::uint8_t>(s.split), s.split_min_value_minor,
        static_cast<std::uint8_t>(s.mode), b.CreateVector(bytes_of(s.competitive_types)),
        s.round_size, s.round_timeout_ms, s.max_rounds, s.fallback_direct));
  }
  std::vector<flatbuffers::Offset<fb::StrategySelector>> selectors;
  for (const auto& sel : r.selectors) {
    selectors.push_back(fb::CreateStrategySelector(b, strings(b, sel.channels),
                                                   strings(b, sel.countries), sel.from_month_day,
                                                   sel.to_month_day, b.CreateString(sel.strategy)));
  }
  return fb::CreateOrchestrationRules(b, b.CreateVector(strategies), b.CreateVector(selectors),
                                      b.CreateString(r.default_strategy));
}

orch::Rules rules_of(const fb::OrchestrationRules* r) {
  orch::Rules out;
  if (r == nullptr) return out;
  if (r->strategies() != nullptr) {
    for (const auto* s : *r->strategies()) {
      orch::Strategy st;
      st.name = text(s->name());
      st.site_types =
          enums_of(s->site_types(), domain::site::SiteType::pickup_point, "strategy site type");
      st.countries = texts(s->countries());
      st.same_country = s->same_country();
      st.excluded_sites = texts(s->excluded_sites());
      st.excluded_regions = texts(s->excluded_regions());
      st.require_capacity = s->require_capacity();
      st.max_distance_km = s->max_distance_km();
      st.max_lead_time_hours = s->max_lead_time_hours();
      st.ranking = enums_of(s->ranking(), orch::Criterion::stock_depth, "ranking criterion");
      if (s->groups() != nullptr) {
        for (const auto* g : *s->groups()) {
          st.groups.push_back({text(g->name()), selector_of(g->sites()), g->priority(),
                               g->lead_time_hours(), g->cost_base_minor(), g->cost_per_km_minor()});
        }
      }
      if (s->rates() != nullptr) {
        for (const auto* rate : *s->rates()) {
          st.rates.push_back({selector_of(rate->from()), text(rate->to_country()),
                              text(rate->to_postcode_prefix()), rate->cost_minor()});
        }
      }
      st.split = enum_of(s->split(), orch::SplitPolicy::above_value, "split policy");
      st.split_min_value_minor = s->split_min_value_minor();
      st.mode = enum_of(s->mode(), orch::AllocationMode::competitive, "allocation mode");
      st.competitive_types = enums_of(s->competitive_types(), domain::site::SiteType::pickup_point,
                                      "competitive site type");
      st.round_size = s->round_size();
      st.round_timeout_ms = s->round_timeout_ms();
      st.max_rounds = s->max_rounds();
      st.fallback_direct = s->fallback_direct();
      out.strategies.push_back(std::move(st));
    }
  }
  if (r->selectors() != nullptr) {
    for (const auto* sel : *r->selectors()) {
      out.selectors.push_back({texts(sel->channels()), texts(sel->countries()),
                               sel->from_month_day(), sel->to_month_day(), text(sel->strategy())});
    }
  }
  out.default_strategy = text(r->default_strategy());
  return out;
}

namespace prom = domain::promise;

std::vector<std::int64_t> days_of(const std::vector<domain::calendar::Date>& dates) {
  std::vector<std::int64_t> out;
  for (const auto& d : dates) out.push_back(domain::calendar::days_from_civil(d));
  return out;
}

std::vector<domain::calendar::Date> dates_of(const flatbuffers::Vector<std::int64_t>* days) {
  std::vector<domain::calendar::Date> out;
  for (auto d : scalars(days)) out.push_back(domain::calendar::civil_from_days(d));
  return out;
}

flatbuffers::Offset<fb::PromiseConfig> promise_offset(Builder& b, const prom::Config& c) {
  std::vector<flatbuffers::Offset<fb::PromiseZone>> zones;
  for (const auto& z : c.zones) {
    zones.push_back(fb::CreatePromiseZone(b, b.CreateString(z.name), b.CreateString(z.country),
                                          strings(b, z.postcode_prefixes), strings(b, z.regions)));
  }
  std::vector<flatbuffers::Offset<fb::CarrierService>> services;
  for (const auto& s : c.services) {
    std::vector<flatbuffers::Offset<fb::TransitBand>> bands;
    for (const auto& t : s.transit)
      bands.push_back(fb::CreateTransitBand(b, b.CreateString(t.zone), t.max_km, t.days));
    std::vector<flatbuffers::Offset<fb::SitePickup>> pickups;
    for (const auto& p : s.site_pickups) {
      pickups.push_back(
          fb::CreateSitePickup(b, selector_offset(b, p.sites), p.days, p.cutoff_minute));
    }
    services.push_back(fb::CreateCarrierService(
        b, b.CreateString(s.id), b.CreateString(s.carrier), static_cast<std::uint8_t>(s.method),
        strings(b, s.channels), strings(b, s.countries), strings(b, s.origin_countries),
        b.CreateVector(bands), s.pickup_days, s.pickup_cutoff_minute, s.delivery_days,
        s.window.from_minute, s.window.to_minute, s.max_weight_g, s.max_volume_cm3, s.price_minor,
        s.price_per_kg_minor, s.free_above_minor, s.carbon_g_per_tonne_km, s.carbon_g_per_parcel,
        b.CreateVector(days_of(s.closed_dates)), s.max_days, b.CreateVector(pickups)));
  }
  std::vector<flatbuffers::Offset<fb::SitePreparation>> preparation;
  for (const auto& p : c.preparation) {
    preparation.push_back(fb::CreateSitePreparation(
        b, b.CreateString(p.name), selector_offset(b, p.sites), p.preparation_minutes,
        p.cutoff_minute, p.daily_capacity, b.CreateVector(days_of(p.closed_dates))));
  }
  const auto& k = c.collect;
  const auto excluded =
      k.excluded_categories.empty()
          ? flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>>()
          : strings(b, k.excluded_categories);
  auto collect = fb::CreateCollectSettings(b, k.enabled, strings(b, k.channels), k.max_distance_km,
                                           k.preparation_minutes, k.max_stores, k.max_days,
                                           k.price_minor, excluded);
  return fb::CreatePromiseConfig(b, b.CreateVector(zones), b.CreateVector(services),
                                 b.CreateVector(preparation), collect, c.ship_to_store_max_km,
                                 c.horizon_days, b.CreateString(c.currency), c.pickup_point_max_km);
}

prom::Config promise_of(const fb::PromiseConfig* c) {
  prom::Config out;
  if (c == nullptr) return out;
  if (c->zones() != nullptr) {
    for (const auto* z : *c->zones()) {
      out.zones.push_back({text(z->name()), text(z->country()), texts(z->postcode_prefixes()),
                           texts(z->regions())});
    }
  }
  if (c->services() != nullptr) {
    for (const auto* s : *c->services()) {
      prom::Service svc;
      svc.id = text(s->id());
      svc.carrier = text(s->carrier());
      svc.method =
          enum_of(s->method(), domain::order::DeliveryMethod::ship_to_store, "delivery method");
      svc.channels = texts(s->channels());
      svc.countries = texts(s->countries());
      svc.origin_countries = texts(s->origin_countries());
      if (s->transit() != nullptr) {
        for (const auto* t : *s->transit())
          svc.transit.push_back({text(t->zone()), t->max_km(), t->days()});
      }
      svc.pickup_days = s->pickup_days();
      svc.pickup_cutoff_minute = s->pickup_cutoff_minute();
      svc.delivery_days = s->delivery_days();
      svc.window = {s->window_from_minute(), s->window_to_minute()};
      svc.max_weight_g = s->max_weight_g();
      svc.max_volume_cm3 = s->max_volume_cm3();
      svc.price_minor = s->price_minor();
      svc.price_per_kg_minor = s->price_per_kg_minor();
      svc.free_above_minor = s->free_above_minor();
      svc.carbon_g_per_tonne_km = s->carbon_g_per_tonne_km();
      svc.carbon_g_per_parcel = s->carbon_g_per_parcel();
      svc.closed_dates = dates_of(s->closed_days());
      svc.max_days = s->max_days();
      if (s->site_pickups() != nullptr) {
        for (const auto* p : *s->site_pickups()) {
          svc.site_pickups.push_back({selector_of(p->sites()), p->days(), p->cutoff_minute()});
        }
      }
      out.services.push_back(std::move(svc));
    }
  }
  if (c->preparation() != nullptr) {
    for (const auto* p : *c->preparation()) {
      out.preparation.push_back({text(p->name()), selector_of(p->sites()), p->preparation_minutes(),
                                 p->cutoff_minute(), p->daily_capacity(),
                                 dates_of(p->closed_days())});
    }
  }
  if (const auto* k = c->collect()) {
    out.collect = {k->enabled(),         texts(k->channels()),
                   k->max_distance_km(), k->preparation_minutes(),
                   k->max_stores(),      k->max_days(),
                   k->price_minor(),     texts(k->excluded_categories())};
  }
  out.ship_to_store_max_km = c->ship_to_store_max_km();
  out.horizon_days = c->horizon_days();
  out.currency = text(c->currency());
  out.pickup_point_max_km = c->pickup_point_max_km();
  return out;
}

}  // namespace

EventData encode(const cfg::Event& event) {
  const auto& e = std::get<cfg::ConfigurationChanged>(event);
  Builder b;
  auto area = b.CreateString(std::string(cfg::area_name(e.document)));
  flatbuffers::Offset<fb::InventoryViews> views;
  flatbuffers::Offset<fb::OrchestrationRules> rules;
  flatbuffers::Offset<fb::PromiseConfig> promise;
  if (const auto* p = std::get_if<prom::Config>(&e.document)) promise = promise_offset(b, *p);
  if (const auto* v = std::get_if<domain::InventoryViews>(&e.document)) views = views_offset(b, *v);
  if (const auto* r = std::get_if<orch::Rules>(&e.document)) rules = rules_offset(b, *r);
  b.Finish(fb::CreateConfigurationChanged(b, area, views, b.CreateString(e.author),
                                          b.CreateString(e.reason), e.version, e.changed_at, rules,
                                          promise));
  return finish(b, "ConfigurationChanged");
}

std::optional<Result<DomainEvent>> decode_configuration(std::string_view type,
                                                        std::string_view payload) {
  if (type != "ConfigurationChanged") return std::nullopt;
  auto table = root<fb::ConfigurationChanged>(payload, type);
  if (!table) return Result<DomainEvent>(std::unexpected(table.error()));
  const auto area = text((*table)->area());
  cfg::Document document;
  if (area == "inventory_views") {
    document = views_of((*table)->inventory_views());
  } else if (area == "orchestration") {
    document = rules_of((*table)->orchestration());
  } else if (area == "promise") {
    document = promise_of((*table)->promise());
  } else {
    return Result<DomainEvent>(
        fail(ErrorCode::invalid_argument, "unknown configuration area '" + area + "'"));
  }
  cfg::ConfigurationChanged e{std::move(document), text((*table)->author()),
                              text((*table)->reason()), (*table)->version(),
                              (*table)->changed_at()};
  return Result<DomainEvent>(DomainEvent{cfg::Event{std::move(e)}});
}

EventData encode(const DomainEvent& event) {
  return std::visit([](const auto& e) { return encode(e); }, event);
}

Result<DomainEvent> decode(std::string_view type, std::uint16_t schema_version,
                           std::string_view payload) {
  if (schema_version > kSchemaVersion) {
    return fail(ErrorCode::invalid_argument,
                std::string(type) + " has schema version " + std::to_string(schema_version) +
                    ", newer than this build reads (" + std::to_string(kSchemaVersion) + ")");
  }
  unknown_enum_value.clear();
  std::string storage;
  payload = aligned(payload, storage);
  for (auto* decoder : {&decode_master, &decode_stock, &decode_order, &decode_configuration}) {
    auto decoded = decoder(type, payload);
    if (!decoded) continue;
    if (!unknown_enum_value.empty()) {
      return fail(ErrorCode::corruption,
                  std::string(type) + ": " + unknown_enum_value + ", unknown to this build");
    }
    return std::move(*decoded);
  }
  return fail(ErrorCode::invalid_argument, "unknown event type '" + std::string(type) + "'");
}

namespace {

// Encodes a default-constructed instance of each alternative of an aggregate's Event variant: the
// encoder names the type, so the table follows the variants.
template <class Variant>
void add_type_names(std::vector<std::string>& out) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (out.push_back(encode(Variant{std::in_place_index<I>}).type), ...);
  }
  (std::make_index_sequence<std::variant_size_v<Variant>>{});
}

}  // namespace

const std::vector<std::string>& domain_type_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (add_type_names<std::variant_alternative_t<I, DomainEvent>>(out), ...);
    }
    (std::make_index_sequence<std::variant_size_v<DomainEvent>>{});
    return out;
  }();
  return names;
}

bool is_domain_type(std::string_view type) {
  const auto& names = domain_type_names();
  return std::find(names.begin(), names.end(), type) != names.end();
}

TypeKind kind_of(std::string_view type) {
  if (is_domain_type(type)) return TypeKind::domain;
  if (is_access_type(type) || is_user_type(type) || is_session_type(type)) return TypeKind::access;
  if (type == "Generated") return TypeKind::workload;
  if (std::find(kObsoleteTypes.begin(), kObsoleteTypes.end(), type) != kObsoleteTypes.end()) {
    return TypeKind::obsolete;
  }
  return TypeKind::unknown;
}

Error unknown_type_error(std::uint64_t position, std::string_view type) {
  return Error{
      ErrorCode::corruption,
      "position " + std::to_string(position) + ": unknown event type '" + std::string(type) +
          "' (written by a newer Ordo, or damaged); this build cannot replay the log past it"};
}

}  // namespace ordo::wire
