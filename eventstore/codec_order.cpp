// Codec of the order events.
#include "eventstore/codec.h"
#include "eventstore/codec_parts.h"
#include "eventstore/codec_support.h"
#include "eventstore/schema/order_generated.h"

namespace ordo::eventstore::codec {
namespace fb = ordo::events::fb;
namespace order = domain::order;

namespace {

flatbuffers::Offset<fb::Address> address_offset(Builder& b, const domain::Address& a) {
  return fb::CreateAddressDirect(b, a.name.c_str(), a.line1.c_str(), a.line2.c_str(),
                                 a.postcode.c_str(), a.city.c_str(), a.country.c_str(),
                                 a.phone.c_str());
}

domain::Address address_of(const fb::Address* a) {
  if (a == nullptr) return {};
  return {text(a->name()),     text(a->line1()),   text(a->line2()), text(a->postcode()),
          text(a->city()),     text(a->country()), text(a->phone())};
}

EventData placed(Builder& b, const order::OrderPlaced& e) {
  std::vector<flatbuffers::Offset<fb::OrderLine>> lines;
  for (const auto& l : e.lines) {
    lines.push_back(fb::CreateOrderLineDirect(b, l.line, l.sku.c_str(), l.quantity,
                                              l.unit_price_minor));
  }
  auto billing = address_offset(b, e.billing);
  auto delivery = address_offset(b, e.delivery);
  b.Finish(fb::CreateOrderPlacedDirect(
      b, e.order_id.c_str(), e.channel.c_str(), e.customer_id.c_str(), e.email.c_str(), &lines,
      billing, delivery, static_cast<std::uint8_t>(e.method), e.promise.option_id.c_str(),
      e.promise.promised_at, e.total.minor, e.total.currency.c_str(), e.placed_at));
  return finish(b, "OrderPlaced");
}

EventData site_step(Builder& b, const char* type, const std::string& site_id,
                    const std::vector<std::uint32_t>& lines, bool ready_for_pickup,
                    const std::string& carrier, const std::string& tracking, domain::Instant at) {
  b.Finish(fb::CreateSiteStepDirect(b, site_id.c_str(), &lines, ready_for_pickup, carrier.c_str(),
                                    tracking.c_str(), at));
  return finish(b, type);
}

struct Encoder {
  Builder& b;
  EventData operator()(const order::OrderPlaced& e) { return placed(b, e); }
  EventData operator()(const order::LinesAllocated& e) {
    std::vector<flatbuffers::Offset<fb::Allocation>> allocations;
    for (const auto& a : e.allocations) {
      allocations.push_back(fb::CreateAllocationDirect(b, a.line, a.site_id.c_str()));
    }
    b.Finish(fb::CreateLinesAllocatedDirect(b, &allocations));
    return finish(b, "LinesAllocated");
  }
  EventData operator()(const order::PreparationStarted& e) {
    return site_step(b, "PreparationStarted", e.site_id, e.lines, false, {}, {}, 0);
  }
  EventData operator()(const order::OrderPrepared& e) {
    return site_step(b, "OrderPrepared", e.site_id, e.lines, e.ready_for_pickup, {}, {}, 0);
  }
  EventData operator()(const order::OrderShipped& e) {
    return site_step(b, "OrderShipped", e.site_id, e.lines, false, e.carrier, e.tracking, 0);
  }
  EventData operator()(const order::OrderDelivered& e) {
    return site_step(b, "OrderDelivered", e.site_id, e.lines, false, {}, {}, e.delivered_at);
  }
  EventData operator()(const order::LinesCancelled& e) {
    b.Finish(fb::CreateLinesCancelledDirect(b, &e.lines, e.reason.c_str()));
    return finish(b, "LinesCancelled");
  }
  EventData operator()(const order::DeliveryAddressChanged& e) {
    b.Finish(fb::CreateDeliveryAddressChanged(b, address_offset(b, e.address)));
    return finish(b, "DeliveryAddressChanged");
  }
};

order::Event placed_of(const fb::OrderPlaced* t) {
  order::OrderPlaced e;
  e.order_id = text(t->order_id());
  e.channel = text(t->channel());
  e.customer_id = text(t->customer_id());
  e.email = text(t->email());
  if (t->lines() != nullptr) {
    for (const auto* l : *t->lines()) {
      e.lines.push_back({l->line(), text(l->sku()), l->quantity(), l->unit_price_minor()});
    }
  }
  e.billing = address_of(t->billing());
  e.delivery = address_of(t->delivery());
  e.method = static_cast<order::DeliveryMethod>(std::min<std::uint8_t>(t->method(), 4));
  e.promise = {text(t->promise_option()), t->promised_at()};
  e.total = {t->total_minor(), text(t->currency())};
  e.placed_at = t->placed_at();
  return e;
}

order::Event step_of(std::string_view type, const fb::SiteStep* t) {
  auto site_id = text(t->site_id());
  auto lines = scalars(t->lines());
  if (type == "PreparationStarted") return order::PreparationStarted{site_id, lines};
  if (type == "OrderPrepared") return order::OrderPrepared{site_id, lines, t->ready_for_pickup()};
  if (type == "OrderShipped") {
    return order::OrderShipped{site_id, lines, text(t->carrier()), text(t->tracking())};
  }
  return order::OrderDelivered{site_id, lines, t->at()};
}

}  // namespace

EventData encode(const order::Event& event) {
  Builder b;
  return std::visit(Encoder{b}, event);
}

std::optional<Result<DomainEvent>> decode_order(std::string_view type, std::string_view payload) {
  auto wrap = [](auto table, auto make) -> Result<DomainEvent> {
    if (!table) return std::unexpected(table.error());
    return DomainEvent{make(*table)};
  };
  if (type == "OrderPlaced") return wrap(root<fb::OrderPlaced>(payload, type), placed_of);
  if (type == "LinesAllocated") {
    return wrap(root<fb::LinesAllocated>(payload, type), [](const fb::LinesAllocated* t) {
      order::LinesAllocated e;
      if (t->allocations() != nullptr) {
        for (const auto* a : *t->allocations()) e.allocations.push_back({a->line(), text(a->site_id())});
      }
      return order::Event{std::move(e)};
    });
  }
  if (type == "PreparationStarted" || type == "OrderPrepared" || type == "OrderShipped" ||
      type == "OrderDelivered") {
    return wrap(root<fb::SiteStep>(payload, type),
                [&](const fb::SiteStep* t) { return step_of(type, t); });
  }
  if (type == "LinesCancelled") {
    return wrap(root<fb::LinesCancelled>(payload, type), [](const fb::LinesCancelled* t) {
      return order::Event{order::LinesCancelled{scalars(t->lines()), text(t->reason())}};
    });
  }
  if (type == "DeliveryAddressChanged") {
    return wrap(root<fb::DeliveryAddressChanged>(payload, type),
                [](const fb::DeliveryAddressChanged* t) {
                  return order::Event{order::DeliveryAddressChanged{address_of(t->address())}};
                });
  }
  return std::nullopt;
}

}  // namespace ordo::eventstore::codec
