// Codec of the master data events: sites, catalog items, brands, channels.
#include "eventstore/codec/codec.h"
#include "eventstore/codec/codec_parts.h"
#include "eventstore/codec/codec_support.h"
#include "eventstore/codec/schema/catalog_generated.h"
#include "eventstore/codec/schema/master_generated.h"
#include "eventstore/codec/schema/site_generated.h"

namespace ordo::wire {
namespace fb = ordo::events::fb;
namespace site = domain::site;
namespace catalog = domain::catalog;
namespace brand = domain::brand;
namespace channel = domain::channel;

namespace {

std::vector<flatbuffers::Offset<flatbuffers::String>> string_offsets(
    Builder& b, const std::vector<std::string>& values) {
  std::vector<flatbuffers::Offset<flatbuffers::String>> out;
  out.reserve(values.size());
  for (const auto& v : values) out.push_back(b.CreateString(v));
  return out;
}

flatbuffers::Offset<fb::SiteProfile> profile_offset(Builder& b, const site::Profile& p) {
  std::vector<std::uint16_t> open, close;
  for (const auto& day : p.opening_hours) {
    open.push_back(day.open_minute);
    close.push_back(day.close_minute);
  }
  const auto brands = string_offsets(b, p.brands);
  return fb::CreateSiteProfileDirect(
      b, p.name.c_str(), static_cast<std::uint8_t>(p.type), p.country.c_str(), p.region.c_str(),
      p.postcode.c_str(), p.latitude, p.longitude, p.time_zone.c_str(),
      p.capabilities.ship_from_store, p.capabilities.click_and_collect, p.capabilities.returns,
      &open, &close, p.daily_capacity, p.capabilities.ship_to_store, &brands, &p.closed_days,
      static_cast<std::uint8_t>(p.status));
}

site::Profile profile_of(const fb::SiteProfile* p) {
  site::Profile out;
  if (p == nullptr) return out;
  out.name = text(p->name());
  out.type = enum_of(p->type(), site::SiteType::pickup_point, "site type");
  out.country = text(p->country());
  out.region = text(p->region());
  out.postcode = text(p->postcode());
  out.latitude = p->latitude();
  out.longitude = p->longitude();
  out.time_zone = text(p->time_zone());
  out.capabilities = {p->ship_from_store(), p->click_and_collect(), p->returns(),
                      p->ship_to_store()};
  const auto open = scalars(p->open_minutes());
  const auto close = scalars(p->close_minutes());
  for (std::size_t d = 0; d < 7 && d < open.size() && d < close.size(); ++d) {
    out.opening_hours[d] = {open[d], close[d]};
  }
  out.daily_capacity = p->daily_capacity();
  out.brands = texts(p->brands());
  out.closed_days = scalars(p->closed_days());
  out.status = enum_of(p->status(), site::Status::closed, "site status");
  return out;
}

EventData site_change(const std::string& type, const std::string& id, const site::Profile& p) {
  Builder b;
  b.Finish(fb::CreateSiteChange(b, b.CreateString(id), profile_offset(b, p)));
  return finish(b, type);
}

EventData item_event(const std::string& type, const catalog::Item& i) {
  Builder b;
  std::vector<flatbuffers::Offset<fb::ChannelPrice>> prices;
  for (const auto& p : i.prices) {
    prices.push_back(fb::CreateChannelPriceDirect(b, p.channel.c_str(), p.price.minor,
                                                  p.price.currency.c_str()));
  }
  b.Finish(fb::CreateItemDirect(b, i.sku.c_str(), i.name.c_str(), i.category.c_str(),
                                i.brand.c_str(), i.weight_g, i.volume_cm3, i.price.minor,
                                i.price.currency.c_str(), i.dangerous_goods, i.click_and_collect,
                                &prices));
  return finish(b, type);
}

catalog::Item item_of(const fb::Item* t) {
  catalog::Item item{text(t->sku()),
                     text(t->name()),
                     text(t->category()),
                     text(t->brand()),
                     t->weight_g(),
                     t->volume_cm3(),
                     {t->price_minor(), text(t->currency())},
                     t->dangerous_goods(),
                     t->click_and_collect(),
                     {}};
  if (t->prices() != nullptr) {
    for (const auto* p : *t->prices()) {
      item.prices.push_back({text(p->channel()), {p->minor(), text(p->currency())}});
    }
  }
  return item;
}

EventData channel_event(const std::string& type, const channel::Channel& c) {
  Builder b;
  std::vector<std::uint8_t> methods;
  for (auto m : c.delivery_methods) methods.push_back(static_cast<std::uint8_t>(m));
  const auto countries = string_offsets(b, c.countries);
  b.Finish(fb::CreateChannelDirect(b, c.channel_id.c_str(), c.name.c_str(), &countries,
                                   c.currency.c_str(), c.brand.c_str(), c.inventory_view.c_str(),
                                   &methods, static_cast<std::uint8_t>(c.address_policy),
                                   c.price_tolerance_bp));
  return finish(b, type);
}

channel::Channel channel_of(const fb::Channel* t) {
  channel::Channel c;
  c.channel_id = text(t->channel_id());
  c.name = text(t->name());
  c.countries = texts(t->countries());
  c.currency = text(t->currency());
  c.brand = text(t->brand());
  c.inventory_view = text(t->inventory_view());
  for (auto m : scalars(t->delivery_methods())) {
    c.delivery_methods.push_back(
        enum_of(m, domain::order::DeliveryMethod::ship_to_store, "delivery method"));
  }
  c.address_policy = enum_of(t->address_policy(), channel::AddressPolicy::warn, "address policy");
  c.price_tolerance_bp = t->price_tolerance_bp();
  return c;
}

}  // namespace

EventData encode(const site::Event& event) {
  struct Encoder {
    EventData operator()(const site::SiteRegistered& e) {
      return site_change("SiteRegistered", e.site_id, e.profile);
    }
    EventData operator()(const site::SiteUpdated& e) {
      return site_change("SiteUpdated", e.site_id, e.profile);
    }
    EventData operator()(const site::SiteClosed& e) {
      Builder b;
      b.Finish(fb::CreateSiteClosedDirect(b, e.site_id.c_str(), e.for_good, e.reason.c_str(),
                                          e.closed_at));
      return finish(b, "SiteClosed");
    }
    EventData operator()(const site::SiteReopened& e) {
      Builder b;
      b.Finish(fb::CreateSiteReopenedDirect(b, e.site_id.c_str(), e.reopened_at));
      return finish(b, "SiteReopened");
    }
  };
  return std::visit(Encoder{}, event);
}

EventData encode(const catalog::Event& event) {
  return std::visit(
      [](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        return item_event(std::is_same_v<E, catalog::ItemDefined> ? "ItemDefined" : "ItemChanged",
                          e.item);
      },
      event);
}

EventData encode(const brand::Event& event) {
  return std::visit(
      [](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        Builder b;
        b.Finish(fb::CreateBrandDirect(b, e.brand.brand_id.c_str(), e.brand.name.c_str()));
        return finish(b, std::is_same_v<E, brand::BrandDefined> ? "BrandDefined" : "BrandChanged");
      },
      event);
}

EventData encode(const channel::Event& event) {
  return std::visit(
      [](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        return channel_event(
            std::is_same_v<E, channel::ChannelDefined> ? "ChannelDefined" : "ChannelChanged",
            e.channel);
      },
      event);
}

std::optional<Result<DomainEvent>> decode_master(std::string_view type, std::string_view payload) {
  if (type == "SiteRegistered" || type == "SiteUpdated") {
    return read<fb::SiteChange>(type, payload, [&](const fb::SiteChange* t) -> DomainEvent {
      if (type == "SiteRegistered") {
        return site::Event{site::SiteRegistered{text(t->site_id()), profile_of(t->profile())}};
      }
      return site::Event{site::SiteUpdated{text(t->site_id()), profile_of(t->profile())}};
    });
  }
  if (type == "SiteClosed") {
    return read<fb::SiteClosed>(type, payload, [](const fb::SiteClosed* t) -> DomainEvent {
      return site::Event{
          site::SiteClosed{text(t->site_id()), t->for_good(), text(t->reason()), t->closed_at()}};
    });
  }
  if (type == "SiteReopened") {
    return read<fb::SiteReopened>(type, payload, [](const fb::SiteReopened* t) -> DomainEvent {
      return site::Event{site::SiteReopened{text(t->site_id()), t->reopened_at()}};
    });
  }
  if (type == "ItemDefined" || type == "ItemChanged") {
    return read<fb::Item>(type, payload, [&](const fb::Item* t) -> DomainEvent {
      if (type == "ItemDefined") return catalog::Event{catalog::ItemDefined{item_of(t)}};
      return catalog::Event{catalog::ItemChanged{item_of(t)}};
    });
  }
  if (type == "BrandDefined" || type == "BrandChanged") {
    return read<fb::Brand>(type, payload, [&](const fb::Brand* t) -> DomainEvent {
      brand::Brand b{text(t->brand_id()), text(t->name())};
      if (type == "BrandDefined") return brand::Event{brand::BrandDefined{std::move(b)}};
      return brand::Event{brand::BrandChanged{std::move(b)}};
    });
  }
  if (type == "ChannelDefined" || type == "ChannelChanged") {
    return read<fb::Channel>(type, payload, [&](const fb::Channel* t) -> DomainEvent {
      if (type == "ChannelDefined") return channel::Event{channel::ChannelDefined{channel_of(t)}};
      return channel::Event{channel::ChannelChanged{channel_of(t)}};
    });
  }
  return std::nullopt;
}

}  // namespace ordo::wire
