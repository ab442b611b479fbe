// Codec of the site, catalog item and stock events.
#include <optional>

#include "eventstore/codec/codec.h"
#include "eventstore/codec/codec_parts.h"
#include "eventstore/codec/codec_support.h"
#include "eventstore/codec/schema/catalog_generated.h"
#include "eventstore/codec/schema/site_generated.h"
#include "eventstore/codec/schema/stock_generated.h"

namespace ordo::wire {
namespace fb = ordo::events::fb;
namespace site = domain::site;
namespace catalog = domain::catalog;
namespace stock = domain::stock;

namespace {

flatbuffers::Offset<fb::SiteProfile> profile_offset(Builder& b, const site::Profile& p) {
  std::vector<std::uint16_t> open, close;
  for (const auto& day : p.opening_hours) {
    open.push_back(day.open_minute);
    close.push_back(day.close_minute);
  }
  return fb::CreateSiteProfileDirect(
      b, p.name.c_str(), static_cast<std::uint8_t>(p.type), p.country.c_str(), p.region.c_str(),
      p.postcode.c_str(), p.latitude, p.longitude, p.time_zone.c_str(),
      p.capabilities.ship_from_store, p.capabilities.click_and_collect, p.capabilities.returns,
      &open, &close, p.daily_capacity);
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
  out.capabilities = {p->ship_from_store(), p->click_and_collect(), p->returns()};
  const auto open = scalars(p->open_minutes());
  const auto close = scalars(p->close_minutes());
  for (std::size_t d = 0; d < 7 && d < open.size() && d < close.size(); ++d) {
    out.opening_hours[d] = {open[d], close[d]};
  }
  out.daily_capacity = p->daily_capacity();
  return out;
}

EventData site_change(const std::string& type, const std::string& id, const site::Profile& p) {
  Builder b;
  b.Finish(fb::CreateSiteChange(b, b.CreateString(id), profile_offset(b, p)));
  return finish(b, type);
}

EventData item_event(const std::string& type, const catalog::Item& i) {
  Builder b;
  b.Finish(fb::CreateItemDirect(b, i.sku.c_str(), i.name.c_str(), i.category.c_str(),
                                i.brand.c_str(), i.weight_g, i.volume_cm3, i.price.minor,
                                i.price.currency.c_str()));
  return finish(b, type);
}

template <class Table, class Make>
std::optional<Result<DomainEvent>> read(std::string_view type, std::string_view payload,
                                        Make make) {
  auto table = root<Table>(payload, type);
  if (!table) return Result<DomainEvent>(std::unexpected(table.error()));
  return Result<DomainEvent>(make(*table));
}

}  // namespace

EventData encode(const site::Event& event) {
  return std::visit(
      [](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        return site_change(
            std::is_same_v<E, site::SiteRegistered> ? "SiteRegistered" : "SiteUpdated", e.site_id,
            e.profile);
      },
      event);
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

EventData encode(const stock::Event& event) {
  Builder b;
  struct Encoder {
    Builder& b;
    EventData operator()(const stock::StockReceived& e) {
      b.Finish(fb::CreateStockReceivedDirect(b, e.quantity, e.reference.c_str()));
      return finish(b, "StockReceived");
    }
    EventData operator()(const stock::StockAdjusted& e) {
      b.Finish(fb::CreateStockAdjustedDirect(b, e.delta, e.reason.c_str()));
      return finish(b, "StockAdjusted");
    }
    EventData operator()(const stock::StockCounted& e) {
      b.Finish(fb::CreateStockCountedDirect(b, e.counted, e.delta, e.shortage, e.source.c_str()));
      return finish(b, "StockCounted");
    }
    EventData operator()(const stock::StockReserved& e) {
      b.Finish(fb::CreateStockReservedDirect(b, e.reservation_id.c_str(), e.order_id.c_str(),
                                             e.line, e.quantity));
      return finish(b, "StockReserved");
    }
    EventData operator()(const stock::ReservationReleased& e) {
      b.Finish(fb::CreateReservationReleasedDirect(b, e.reservation_id.c_str(), e.quantity,
                                                   e.reason.c_str()));
      return finish(b, "ReservationReleased");
    }
    EventData operator()(const stock::StockPicked& e) {
      b.Finish(fb::CreateReservationRefDirect(b, e.reservation_id.c_str(), 0));
      return finish(b, "StockPicked");
    }
    EventData operator()(const stock::StockShipped& e) {
      b.Finish(fb::CreateReservationRefDirect(b, e.reservation_id.c_str(), e.quantity));
      return finish(b, "StockShipped");
    }
    EventData operator()(const stock::ReceiptExpected& e) {
      b.Finish(fb::CreateReceiptExpectedDirect(b, e.receipt_id.c_str(), e.quantity, e.expected_at));
      return finish(b, "ReceiptExpected");
    }
    EventData operator()(const stock::ReceiptConfirmed& e) {
      b.Finish(fb::CreateReceiptConfirmedDirect(b, e.receipt_id.c_str(), e.received));
      return finish(b, "ReceiptConfirmed");
    }
    EventData operator()(const stock::ReceiptCancelled& e) {
      b.Finish(fb::CreateReceiptCancelledDirect(b, e.receipt_id.c_str()));
      return finish(b, "ReceiptCancelled");
    }
  };
  return std::visit(Encoder{b}, event);
}

std::optional<Result<DomainEvent>> decode_site_or_item(std::string_view type,
                                                       std::string_view payload) {
  if (type == "SiteRegistered" || type == "SiteUpdated") {
    return read<fb::SiteChange>(type, payload, [&](const fb::SiteChange* t) -> DomainEvent {
      if (type == "SiteRegistered") {
        return site::Event{site::SiteRegistered{text(t->site_id()), profile_of(t->profile())}};
      }
      return site::Event{site::SiteUpdated{text(t->site_id()), profile_of(t->profile())}};
    });
  }
  if (type == "ItemDefined" || type == "ItemChanged") {
    return read<fb::Item>(type, payload, [&](const fb::Item* t) -> DomainEvent {
      catalog::Item item{text(t->sku()),
                         text(t->name()),
                         text(t->category()),
                         text(t->brand()),
                         t->weight_g(),
                         t->volume_cm3(),
                         {t->price_minor(), text(t->currency())}};
      if (type == "ItemDefined") return catalog::Event{catalog::ItemDefined{std::move(item)}};
      return catalog::Event{catalog::ItemChanged{std::move(item)}};
    });
  }
  return std::nullopt;
}

std::optional<Result<DomainEvent>> decode_stock(std::string_view type, std::string_view payload) {
  using E = stock::Event;
  if (type == "StockReceived")
    return read<fb::StockReceived>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockReceived{t->quantity(), text(t->reference())}};
    });
  if (type == "StockAdjusted")
    return read<fb::StockAdjusted>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockAdjusted{t->delta(), text(t->reason())}};
    });
  if (type == "StockCounted")
    return read<fb::StockCounted>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockCounted{t->counted(), t->delta(), t->shortage(), text(t->source())}};
    });
  if (type == "StockReserved")
    return read<fb::StockReserved>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockReserved{text(t->reservation_id()), text(t->order_id()), t->line(),
                                    t->quantity()}};
    });
  if (type == "ReservationReleased")
    return read<fb::ReservationReleased>(type, payload, [](auto t) -> DomainEvent {
      return E{
          stock::ReservationReleased{text(t->reservation_id()), t->quantity(), text(t->reason())}};
    });
  if (type == "StockPicked")
    return read<fb::ReservationRef>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockPicked{text(t->reservation_id())}};
    });
  if (type == "StockShipped")
    return read<fb::ReservationRef>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockShipped{text(t->reservation_id()), t->quantity()}};
    });
  if (type == "ReceiptExpected")
    return read<fb::ReceiptExpected>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::ReceiptExpected{text(t->receipt_id()), t->quantity(), t->expected_at()}};
    });
  if (type == "ReceiptConfirmed")
    return read<fb::ReceiptConfirmed>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::ReceiptConfirmed{text(t->receipt_id()), t->received()}};
    });
  if (type == "ReceiptCancelled")
    return read<fb::ReceiptCancelled>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::ReceiptCancelled{text(t->receipt_id())}};
    });
  return std::nullopt;
}

}  // namespace ordo::wire
