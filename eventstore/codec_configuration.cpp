// Codec of configuration events and their documents, and the dispatch over every domain event.
#include "eventstore/codec.h"
#include "eventstore/codec_parts.h"
#include "eventstore/codec_support.h"
#include "eventstore/schema/configuration_generated.h"

namespace ordo::eventstore::codec {
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
    out.types.push_back(static_cast<domain::site::SiteType>(std::min<std::uint8_t>(t, 3)));
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
    exclusions.push_back(fb::CreateExclusion(
        b, b.CreateString(x.name), selector_offset(b, x.sites), strings(b, x.skus),
        b.CreateString(x.category_prefix), x.quantity, strings(b, x.for_channels)));
  }
  return fb::CreateInventoryViews(b, b.CreateVector(channels), b.CreateVector(exclusions));
}

domain::InventoryViews views_of(const fb::InventoryViews* v) {
  domain::InventoryViews out;
  if (v == nullptr) return out;
  if (v->channels() != nullptr) {
    for (const auto* c : *v->channels()) {
      domain::ChannelView view{text(c->channel()), selector_of(c->sites()), c->share_percent(), {},
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

}  // namespace

EventData encode(const cfg::Event& event) {
  const auto& e = std::get<cfg::ConfigurationChanged>(event);
  Builder b;
  const auto& views = std::get<domain::InventoryViews>(e.document);
  auto area = b.CreateString(std::string(cfg::area_name(e.document)));
  auto document = views_offset(b, views);
  b.Finish(fb::CreateConfigurationChanged(b, area, document, b.CreateString(e.author),
                                          b.CreateString(e.reason), e.version, e.changed_at));
  return finish(b, "ConfigurationChanged");
}

std::optional<Result<DomainEvent>> decode_configuration(std::string_view type,
                                                        std::string_view payload) {
  if (type != "ConfigurationChanged") return std::nullopt;
  auto table = root<fb::ConfigurationChanged>(payload, type);
  if (!table) return Result<DomainEvent>(std::unexpected(table.error()));
  const auto area = text((*table)->area());
  if (area != "inventory_views") {
    return Result<DomainEvent>(
        fail(ErrorCode::invalid_argument, "unknown configuration area '" + area + "'"));
  }
  cfg::ConfigurationChanged e{views_of((*table)->inventory_views()), text((*table)->author()),
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
  for (auto* decoder : {&decode_site_or_item, &decode_stock, &decode_order, &decode_configuration}) {
    if (auto decoded = decoder(type, payload)) return std::move(*decoded);
  }
  return fail(ErrorCode::invalid_argument, "unknown event type '" + std::string(type) + "'");
}

bool is_domain_type(std::string_view type) {
  static constexpr std::string_view kTypes[] = {
      "SiteRegistered", "SiteUpdated", "ItemDefined", "ItemChanged", "StockReceived",
      "StockAdjusted", "StockCounted", "StockReserved", "ReservationReleased", "StockPicked",
      "StockShipped", "ReceiptExpected", "ReceiptConfirmed", "ReceiptCancelled", "OrderPlaced",
      "LinesAllocated", "PreparationStarted", "OrderPrepared", "OrderShipped", "OrderDelivered",
      "LinesCancelled", "DeliveryAddressChanged", "ConfigurationChanged"};
  for (auto t : kTypes) {
    if (t == type) return true;
  }
  return false;
}

}  // namespace ordo::eventstore::codec
