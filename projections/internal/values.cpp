#include "projections/internal/values.h"

#include <flatbuffers/flatbuffers.h>

#include "base/bytes.h"
#include "projections/schema/views_generated.h"

namespace ordo::projections::internal {
namespace {

namespace fb = ordo::projections::fb;
namespace order = domain::order;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

std::string text(const flatbuffers::String* s) { return s == nullptr ? std::string() : s->str(); }
std::vector<std::string> texts(const flatbuffers::Vector<Offset<flatbuffers::String>>* v) {
  std::vector<std::string> out;
  if (v != nullptr) {
    out.reserve(v->size());
    for (const auto* s : *v) out.push_back(text(s));
  }
  return out;
}
template <class T>
std::vector<T> scalars(const flatbuffers::Vector<T>* v) {
  return v == nullptr ? std::vector<T>() : std::vector<T>(v->begin(), v->end());
}

std::string finish(FlatBufferBuilder& b) {
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

template <class T>
Result<const T*> verified(std::string_view bytes, std::string_view what) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  flatbuffers::Verifier verifier(data, bytes.size(), /*max_depth=*/16, /*max_tables=*/100000);
  if (!verifier.VerifyBuffer<T>(nullptr)) {
    return fail(ErrorCode::corruption, "a stored " + std::string(what) + " fails verification");
  }
  return flatbuffers::GetRoot<T>(data);
}

Offset<fb::Address> address(FlatBufferBuilder& b, const domain::Address& a) {
  return fb::CreateAddressDirect(b, a.name.c_str(), a.line1.c_str(), a.line2.c_str(),
                                 a.postcode.c_str(), a.city.c_str(), a.country.c_str(),
                                 a.phone.c_str());
}
domain::Address address(const fb::Address* a) {
  if (a == nullptr) return {};
  return {text(a->name()), text(a->line1()),   text(a->line2()), text(a->postcode()),
          text(a->city()), text(a->country()), text(a->phone())};
}

Offset<fb::Sourcing> sourcing(FlatBufferBuilder& b, const order::SourcingDecided& d) {
  std::vector<Offset<fb::Verdict>> considered;
  for (const auto& c : d.considered) {
    if (considered.size() == kConsideredInView) break;
    considered.push_back(fb::CreateVerdictDirect(b, c.site_id.c_str(), c.verdict.c_str(),
                                                 c.reason.c_str(), c.rank, c.distance_km));
  }
  return fb::CreateSourcingDirect(b, d.strategy.c_str(), d.config_version, d.outcome.c_str(),
                                  d.reason.c_str(), d.round, &considered,
                                  static_cast<std::uint32_t>(d.considered.size()), d.decided_at);
}

std::vector<Offset<fb::Round>> rounds(FlatBufferBuilder& b,
                                      const std::vector<order::Round>& rounds) {
  std::vector<Offset<fb::Round>> out;
  for (const auto& r : rounds) {
    const auto sites = b.CreateVectorOfStrings(r.site_ids);
    const auto declined = b.CreateVectorOfStrings(r.declined);
    const auto winner = b.CreateString(r.winner);
    const auto lines = b.CreateVector(r.lines);
    out.push_back(
        fb::CreateRound(b, r.round, sites, r.opened_at, r.deadline, declined, winner, r.open,
                        r.end ? static_cast<std::int8_t>(*r.end) : std::int8_t{-1}, lines));
  }
  return out;
}

}  // namespace

std::string encode_order_view(const order::State& s, const std::vector<std::uint64_t>& timeline) {
  FlatBufferBuilder b(1024);
  const auto& p = s.placed;
  std::vector<Offset<fb::Line>> lines;
  lines.reserve(s.lines.size());
  for (const auto& l : s.lines) {
    lines.push_back(fb::CreateLineDirect(
        b, l.line.line, l.line.sku.c_str(), l.line.quantity, l.line.unit_price_minor,
        static_cast<std::uint8_t>(l.status), l.site_id.c_str(), l.split_from,
        l.receipt_id.empty() ? nullptr : l.receipt_id.c_str(), l.expected_at));
  }
  const auto round_offsets = rounds(b, s.rounds);
  const auto billing = address(b, p.billing);
  const auto delivery = address(b, s.delivery);
  const auto decided = sourcing(b, s.sourcing);
  std::vector<Offset<flatbuffers::String>> released;
  for (const auto& site : s.released) released.push_back(b.CreateString(site));
  const auto& check = p.address_check;
  std::vector<Offset<flatbuffers::String>> suggestions;
  for (const auto& text : check.suggestions) suggestions.push_back(b.CreateString(text));
  const auto original =
      check.original == domain::Address{} ? Offset<fb::Address>() : address(b, check.original);
  b.Finish(fb::CreateOrderViewDirect(
      b, p.order_id.c_str(), p.channel.c_str(), p.customer_id.c_str(), p.email.c_str(), billing,
      delivery, static_cast<std::uint8_t>(p.method), p.promise.option_id.c_str(),
      p.promise.promised_at, p.promise.carrier.c_str(), p.promise.site_id.c_str(),
      p.promise.preparation_day, p.total.minor, p.total.currency.c_str(), p.placed_at, &lines,
      &round_offsets, &released, s.queued_for_service, decided, &timeline,
      static_cast<std::uint8_t>(check.verdict), check.field.empty() ? nullptr : check.field.c_str(),
      check.reason.empty() ? nullptr : check.reason.c_str(),
      suggestions.empty() ? nullptr : &suggestions, original));
  return finish(b);
}

namespace {

// Enumerations come back only within their range: a stored value out of it is damage.
template <class E>
std::optional<E> enum_of(std::uint8_t value, E last) {
  if (value > static_cast<std::uint8_t>(last)) return std::nullopt;
  return static_cast<E>(value);
}

std::optional<std::vector<order::LineState>> lines_of(const fb::OrderView& v) {
  std::vector<order::LineState> lines;
  if (v.lines() == nullptr) return lines;
  for (const auto* l : *v.lines()) {
    auto status = enum_of(l->status(), order::LineStatus::pre_ordered);
    if (!status) return std::nullopt;
    lines.push_back({{l->line(), text(l->sku()), l->quantity(), l->unit_price_minor()},
                     *status,
                     text(l->site()),
                     l->split_from(),
                     text(l->receipt()),
                     l->expected_at()});
  }
  return lines;
}

std::optional<std::vector<order::Round>> rounds_of(const fb::OrderView& v) {
  std::vector<order::Round> out;
  if (v.rounds() == nullptr) return out;
  for (const auto* r : *v.rounds()) {
    std::optional<order::RoundEnd> end;
    if (r->end() >= 0) {
      end = enum_of(static_cast<std::uint8_t>(r->end()), order::RoundEnd::withdrawn);
      if (!end) return std::nullopt;
    }
    out.push_back({r->round(), texts(r->sites()), r->opened_at(), r->deadline(),
                   texts(r->declined()), text(r->winner()), r->open(), end, scalars(r->lines())});
  }
  return out;
}

order::SourcingDecided sourcing_of(const fb::Sourcing* s, std::uint32_t& total) {
  order::SourcingDecided d;
  if (s == nullptr) return d;
  d.strategy = text(s->strategy());
  d.config_version = s->config_version();
  d.outcome = text(s->outcome());
  d.reason = text(s->reason());
  d.round = s->round();
  d.decided_at = s->decided_at();
  if (s->considered() != nullptr) {
    for (const auto* c : *s->considered()) {
      d.considered.push_back(
          {text(c->site()), text(c->verdict()), text(c->reason()), c->rank(), c->distance_km()});
    }
  }
  total = s->considered_total();
  return d;
}

}  // namespace

Result<OrderView> decode_order_view(std::string_view bytes) {
  auto root = verified<fb::OrderView>(bytes, "order view");
  if (!root) return std::unexpected(root.error());
  const auto& v = **root;
  auto method = enum_of(v.method(), order::DeliveryMethod::ship_to_store);
  auto lines = lines_of(v);
  auto rounds = rounds_of(v);
  if (!method || !lines || !rounds)
    return fail(ErrorCode::corruption, "a stored order view holds an unknown value");
  OrderView out;
  auto& s = out.order;
  auto& p = s.placed;
  s.exists = true;
  p.order_id = text(v.order_id());
  p.channel = text(v.channel());
  p.customer_id = text(v.customer_id());
  p.email = text(v.email());
  p.billing = address(v.billing());
  s.delivery = address(v.delivery());
  p.delivery = s.delivery;
  p.method = *method;
  p.promise = {text(v.promise_option()), v.promised_at(), text(v.promise_carrier()),
               text(v.promise_site()), v.promise_day()};
  p.total = {v.total_minor(), text(v.currency())};
  p.placed_at = v.placed_at();
  const auto verdict = enum_of(v.address_verdict(), domain::AddressCheck::Verdict::fix);
  if (!verdict) return fail(ErrorCode::corruption, "a stored order view holds an unknown value");
  p.address_check = {
      *verdict, text(v.address_field()), text(v.address_reason()), texts(v.address_suggestions()),
      v.address_original() != nullptr ? address(v.address_original()) : domain::Address{}};
  s.lines = std::move(*lines);
  for (const auto& l : s.lines) p.lines.push_back(l.line);
  s.rounds = std::move(*rounds);
  s.released = texts(v.released());
  s.queued_for_service = v.queued_for_service();
  s.sourcing = sourcing_of(v.sourcing(), out.considered_total);
  out.timeline = scalars(v.timeline());
  return out;
}

std::string encode_site_stock(const domain::stock::State& stock) {
  FlatBufferBuilder b(256);
  std::vector<Offset<fb::Receipt>> receipts;
  for (const auto& [id, r] : stock.receipts) {
    if (r.status != domain::stock::ReceiptStatus::expected) continue;
    receipts.push_back(fb::CreateReceiptDirect(b, id.c_str(), r.quantity, r.expected_at));
  }
  b.Finish(fb::CreateSiteStockDirect(b, stock.on_hand, stock.reserved, &receipts));
  return finish(b);
}

Result<SiteStockView> decode_site_stock(std::string_view site_id, std::string_view sku,
                                        std::string_view bytes) {
  auto root = verified<fb::SiteStock>(bytes, "site stock");
  if (!root) return std::unexpected(root.error());
  SiteStockView out{
      std::string(site_id), std::string(sku), (*root)->on_hand(), (*root)->reserved(), 0, {}};
  out.available = out.on_hand > out.reserved ? out.on_hand - out.reserved : 0;
  if (const auto* receipts = (*root)->receipts()) {
    for (const auto* r : *receipts)
      out.expected_receipts.push_back({text(r->receipt_id()), r->quantity(), r->expected_at()});
  }
  return out;
}

SiteStockView site_stock_view(std::string_view site_id, std::string_view sku,
                              const domain::stock::State& stock) {
  SiteStockView out{std::string(site_id), std::string(sku),  stock.on_hand,
                    stock.reserved,       stock.available(), {}};
  for (const auto& [id, r] : stock.receipts) {
    if (r.status == domain::stock::ReceiptStatus::expected)
      out.expected_receipts.push_back({id, r.quantity, r.expected_at});
  }
  return out;
}

std::string encode_accuracy(const AccuracyEntry& e) {
  FlatBufferBuilder b(256);
  b.Finish(fb::CreateAccuracyDirect(b, e.order_id.c_str(), e.option_id.c_str(), e.carrier.c_str(),
                                    e.site.c_str(), e.promised_site.c_str(),
                                    static_cast<std::uint8_t>(e.method), e.promised_at,
                                    e.fulfilled_at, e.kept, e.channel.c_str()));
  return finish(b);
}

Result<AccuracyEntry> decode_accuracy(std::string_view bytes) {
  auto root = verified<fb::Accuracy>(bytes, "promise accuracy entry");
  if (!root) return std::unexpected(root.error());
  const auto& a = **root;
  auto method = enum_of(a.method(), order::DeliveryMethod::ship_to_store);
  if (!method)
    return fail(ErrorCode::corruption, "a stored promise accuracy entry holds an unknown method");
  return AccuracyEntry{text(a.order_id()), text(a.option_id()),     text(a.carrier()),
                       text(a.site()),     text(a.promised_site()), *method,
                       a.promised_at(),    a.fulfilled_at(),        a.kept(),
                       text(a.channel())};
}

std::string encode_sellable(const SellableFigure& f) {
  std::string value;
  value.reserve(24);
  put_u64_be(value, static_cast<std::uint64_t>(f.total));
  put_u64_be(value, static_cast<std::uint64_t>(f.now));
  put_u64_be(value, static_cast<std::uint64_t>(f.future));
  return value;
}

std::optional<SellableFigure> decode_sellable(std::string_view value) {
  if (value.size() != 24) return std::nullopt;
  return SellableFigure{static_cast<std::int64_t>(get_u64_be(value.data())),
                        static_cast<std::int64_t>(get_u64_be(value.data() + 8)),
                        static_cast<std::int64_t>(get_u64_be(value.data() + 16))};
}

}  // namespace ordo::projections::internal
