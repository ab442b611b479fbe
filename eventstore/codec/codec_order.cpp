// Codec of the order events.
#include "eventstore/codec/codec.h"
#include "eventstore/codec/codec_parts.h"
#include "eventstore/codec/codec_support.h"
#include "eventstore/codec/schema/order_generated.h"

namespace ordo::wire {
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
  return {text(a->name()), text(a->line1()),   text(a->line2()), text(a->postcode()),
          text(a->city()), text(a->country()), text(a->phone())};
}

EventData placed(Builder& b, const order::OrderPlaced& e) {
  std::vector<flatbuffers::Offset<fb::OrderLine>> lines;
  for (const auto& l : e.lines) {
    lines.push_back(
        fb::CreateOrderLineDirect(b, l.line, l.sku.c_str(), l.quantity, l.unit_price_minor));
  }
  auto billing = address_offset(b, e.billing);
  auto delivery = address_offset(b, e.delivery);
  // Unchecked orders (and those written before validation) carry none of these fields.
  const auto& check = e.address_check;
  std::vector<flatbuffers::Offset<flatbuffers::String>> suggestions;
  for (const auto& s : check.suggestions) suggestions.push_back(b.CreateString(s));
  const auto original = check.original == domain::Address{} ? flatbuffers::Offset<fb::Address>()
                                                            : address_offset(b, check.original);
  b.Finish(fb::CreateOrderPlacedDirect(
      b, e.order_id.c_str(), e.channel.c_str(), e.customer_id.c_str(), e.email.c_str(), &lines,
      billing, delivery, static_cast<std::uint8_t>(e.method), e.promise.option_id.c_str(),
      e.promise.promised_at, e.total.minor, e.total.currency.c_str(), e.placed_at,
      e.promise.carrier.empty() ? nullptr : e.promise.carrier.c_str(),
      e.promise.site_id.empty() ? nullptr : e.promise.site_id.c_str(), e.promise.preparation_day,
      static_cast<std::uint8_t>(check.verdict), check.field.empty() ? nullptr : check.field.c_str(),
      check.reason.empty() ? nullptr : check.reason.c_str(),
      suggestions.empty() ? nullptr : &suggestions, original));
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
    const auto address = address_offset(b, e.address);
    const auto& check = e.address_check;
    std::vector<flatbuffers::Offset<flatbuffers::String>> suggestions;
    for (const auto& s : check.suggestions) suggestions.push_back(b.CreateString(s));
    const auto original = check.original == domain::Address{} ? flatbuffers::Offset<fb::Address>()
                                                              : address_offset(b, check.original);
    b.Finish(fb::CreateDeliveryAddressChangedDirect(
        b, address, static_cast<std::uint8_t>(check.verdict),
        check.field.empty() ? nullptr : check.field.c_str(),
        check.reason.empty() ? nullptr : check.reason.c_str(),
        suggestions.empty() ? nullptr : &suggestions, original,
        e.override_reason.empty() ? nullptr : e.override_reason.c_str()));
    return finish(b, "DeliveryAddressChanged");
  }
  EventData operator()(const order::SourcingDecided& e) {
    std::vector<flatbuffers::Offset<fb::SiteVerdict>> considered;
    for (const auto& c : e.considered) {
      considered.push_back(fb::CreateSiteVerdictDirect(b, c.site_id.c_str(), c.verdict.c_str(),
                                                       c.reason.c_str(), c.rank, c.distance_km));
    }
    b.Finish(fb::CreateSourcingDecidedDirect(b, e.strategy.c_str(), e.config_version,
                                             e.outcome.c_str(), e.reason.c_str(), e.round,
                                             &considered, e.decided_at));
    return finish(b, "SourcingDecided");
  }
  EventData operator()(const order::OfferRoundOpened& e) {
    auto sites = strings(b, e.site_ids);
    auto lines = b.CreateVector(e.lines);
    b.Finish(fb::CreateOfferRoundOpened(b, e.round, sites, e.opened_at, e.deadline, lines));
    return finish(b, "OfferRoundOpened");
  }
  EventData operator()(const order::OfferClaimed& e) {
    b.Finish(fb::CreateOfferAnswerDirect(b, e.round, e.site_id.c_str(), "", e.claimed_at));
    return finish(b, "OfferClaimed");
  }
  EventData operator()(const order::OfferDeclined& e) {
    b.Finish(fb::CreateOfferAnswerDirect(b, e.round, e.site_id.c_str(), e.reason.c_str(),
                                         e.declined_at));
    return finish(b, "OfferDeclined");
  }
  EventData operator()(const order::OfferRoundClosed& e) {
    b.Finish(fb::CreateOfferRoundClosed(b, e.round, static_cast<std::uint8_t>(e.end), e.closed_at));
    return finish(b, "OfferRoundClosed");
  }
  EventData operator()(const order::QueuedForService& e) {
    b.Finish(fb::CreateQueuedForServiceDirect(b, e.reason.c_str()));
    return finish(b, "QueuedForService");
  }
  EventData operator()(const order::AllocationReleased& e) {
    b.Finish(
        fb::CreateAllocationReleasedDirect(b, e.site_id.c_str(), &e.lines, e.reason.c_str(),
                                           e.receipt_id.empty() ? nullptr : e.receipt_id.c_str()));
    return finish(b, "AllocationReleased");
  }
  EventData operator()(const order::LinesSplit& e) {
    std::vector<flatbuffers::Offset<fb::LineSplit>> splits;
    for (const auto& split : e.splits) {
      std::vector<flatbuffers::Offset<fb::LinePart>> parts;
      for (const auto& p : split.parts) parts.push_back(fb::CreateLinePart(b, p.line, p.quantity));
      splits.push_back(fb::CreateLineSplitDirect(b, split.line, &parts));
    }
    b.Finish(fb::CreateLinesSplitDirect(b, &splits));
    return finish(b, "LinesSplit");
  }
  EventData operator()(const order::LinesPreOrdered& e) {
    std::vector<flatbuffers::Offset<fb::PreOrder>> pre_orders;
    for (const auto& p : e.pre_orders) {
      pre_orders.push_back(fb::CreatePreOrderDirect(b, p.line, p.site_id.c_str(),
                                                    p.receipt_id.c_str(), p.expected_at));
    }
    b.Finish(fb::CreateLinesPreOrderedDirect(b, &pre_orders));
    return finish(b, "LinesPreOrdered");
  }
};

// The address check of OrderPlaced and DeliveryAddressChanged, which carry the same fields.
template <class Table>
domain::AddressCheck check_of(const Table* t) {
  domain::AddressCheck check;
  check.verdict =
      enum_of(t->address_verdict(), domain::AddressCheck::Verdict::fix, "address verdict");
  check.field = text(t->address_field());
  check.reason = text(t->address_reason());
  check.suggestions = texts(t->address_suggestions());
  if (t->address_original() != nullptr) check.original = address_of(t->address_original());
  return check;
}

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
  e.method = enum_of(t->method(), order::DeliveryMethod::ship_to_store, "delivery method");
  e.promise = {text(t->promise_option()), t->promised_at(), text(t->promise_carrier()),
               text(t->promise_site()), t->promise_preparation_day()};
  e.total = {t->total_minor(), text(t->currency())};
  e.placed_at = t->placed_at();
  e.address_check = check_of(t);
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

namespace {

template <class Table, class Make>
Result<DomainEvent> wrap(Result<const Table*> table, Make make) {
  if (!table) return std::unexpected(table.error());
  return DomainEvent{make(*table)};
}

order::Event allocated_of(const fb::LinesAllocated* t) {
  order::LinesAllocated e;
  if (t->allocations() != nullptr) {
    for (const auto* a : *t->allocations())
      e.allocations.push_back({a->line(), text(a->site_id())});
  }
  return order::Event{std::move(e)};
}

order::Event sourcing_of(const fb::SourcingDecided* t) {
  order::SourcingDecided e{text(t->strategy()), t->config_version(), text(t->outcome()),
                           text(t->reason()),   t->round(),          {},
                           t->decided_at()};
  if (t->considered() != nullptr) {
    for (const auto* c : *t->considered()) {
      e.considered.push_back(
          {text(c->site_id()), text(c->verdict()), text(c->reason()), c->rank(), c->distance_km()});
    }
  }
  return order::Event{std::move(e)};
}

order::Event split_of(const fb::LinesSplit* t) {
  order::LinesSplit e;
  if (t->splits() == nullptr) return order::Event{std::move(e)};
  for (const auto* split : *t->splits()) {
    order::LineSplit out{split->line(), {}};
    if (split->parts() != nullptr) {
      for (const auto* p : *split->parts()) out.parts.push_back({p->line(), p->quantity()});
    }
    e.splits.push_back(std::move(out));
  }
  return order::Event{std::move(e)};
}

order::Event pre_ordered_of(const fb::LinesPreOrdered* t) {
  order::LinesPreOrdered e;
  if (t->pre_orders() == nullptr) return order::Event{std::move(e)};
  for (const auto* p : *t->pre_orders()) {
    e.pre_orders.push_back(
        {p->line(), text(p->site_id()), text(p->receipt_id()), p->expected_at()});
  }
  return order::Event{std::move(e)};
}

// An order's steps from placement to delivery, cancellations and address changes.
std::optional<Result<DomainEvent>> decode_order_steps(std::string_view type,
                                                      std::string_view payload) {
  if (type == "OrderPlaced") return wrap(root<fb::OrderPlaced>(payload, type), placed_of);
  if (type == "LinesAllocated") return wrap(root<fb::LinesAllocated>(payload, type), allocated_of);
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
                  return order::Event{order::DeliveryAddressChanged{
                      address_of(t->address()), check_of(t), text(t->override_reason())}};
                });
  }
  return std::nullopt;
}

// Sourcing, competitive rounds and releases.
std::optional<Result<DomainEvent>> decode_order_sourcing(std::string_view type,
                                                         std::string_view payload) {
  if (type == "SourcingDecided") return wrap(root<fb::SourcingDecided>(payload, type), sourcing_of);
  if (type == "OfferRoundOpened") {
    return wrap(root<fb::OfferRoundOpened>(payload, type), [](const fb::OfferRoundOpened* t) {
      return order::Event{order::OfferRoundOpened{t->round(), texts(t->site_ids()), t->opened_at(),
                                                  t->deadline(), scalars(t->lines())}};
    });
  }
  if (type == "OfferClaimed" || type == "OfferDeclined") {
    return wrap(root<fb::OfferAnswer>(payload, type), [&](const fb::OfferAnswer* t) {
      if (type == "OfferClaimed")
        return order::Event{order::OfferClaimed{t->round(), text(t->site_id()), t->at()}};
      return order::Event{
          order::OfferDeclined{t->round(), text(t->site_id()), text(t->reason()), t->at()}};
    });
  }
  if (type == "OfferRoundClosed") {
    return wrap(root<fb::OfferRoundClosed>(payload, type), [](const fb::OfferRoundClosed* t) {
      return order::Event{order::OfferRoundClosed{
          t->round(), enum_of(t->end(), order::RoundEnd::withdrawn, "round end"), t->closed_at()}};
    });
  }
  if (type == "QueuedForService") {
    return wrap(root<fb::QueuedForService>(payload, type), [](const fb::QueuedForService* t) {
      return order::Event{order::QueuedForService{text(t->reason())}};
    });
  }
  if (type == "LinesSplit") return wrap(root<fb::LinesSplit>(payload, type), split_of);
  if (type == "LinesPreOrdered")
    return wrap(root<fb::LinesPreOrdered>(payload, type), pre_ordered_of);
  if (type == "AllocationReleased") {
    return wrap(root<fb::AllocationReleased>(payload, type), [](const fb::AllocationReleased* t) {
      return order::Event{order::AllocationReleased{text(t->site_id()), scalars(t->lines()),
                                                    text(t->reason()), text(t->receipt_id())}};
    });
  }
  return std::nullopt;
}

}  // namespace

std::optional<Result<DomainEvent>> decode_order(std::string_view type, std::string_view payload) {
  if (auto decoded = decode_order_steps(type, payload)) return decoded;
  return decode_order_sourcing(type, payload);
}

}  // namespace ordo::wire
