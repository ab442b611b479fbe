// Delivery promises: POST /v1/promises for a checkout's cart, GET /v1/promises for a product
// page, the promise an order is placed with (checked and completed from the engine), and
// GET /v1/promise-accuracy.
#include <map>

#include "domain/promise.h"
#include "gateway/api/handlers.h"
#include "gateway/api/support.h"
#include "gateway/json/master_json.h"
#include "gateway/json/promise_json.h"

namespace ordo::gateway::api {
namespace {

using nlohmann::json;
using P = domain::access::Permission;
namespace promise = domain::promise;

constexpr int kAccuracyDaysMax = 366;
constexpr std::size_t kAccuracyScanMax = 5'000'000;

/// Where the destination is; a problem for a country Ordo has no calendar for or, when the
/// gazetteer is loaded, a postcode it does not know.
std::variant<promise::Destination, http::Response> destination_of(Engine& engine,
                                                                  const std::string& country,
                                                                  const std::string& postcode,
                                                                  const std::string& pointer) {
  if (!promise::destination_zone(country)) {
    return problem(422, "validation", "Unknown destination country",
                   "Ordo has no delivery calendar for country " + country,
                   {{pointer + "/country", "unknown country"}});
  }
  promise::Destination d{country, postcode, "", std::nullopt};
  if (engine.locate) {
    const auto place = engine.locate(country, postcode);
    if (!place) {
      return problem(422, "validation", "Unknown postcode",
                     "postcode " + postcode + " is not known in " + country,
                     {{pointer + "/postcode", "unknown postcode"}});
    }
    d.point = place->point;
    d.region = place->region;
  }
  return d;
}

http::Response promise_refusal(const Error& error, const std::string& pointer) {
  if (error.code == ErrorCode::not_found) {
    return problem(422, "validation", "Unknown product or channel", error.message,
                   {{pointer, error.message}});
  }
  return problem(422, "validation", "Invalid cart", error.message, {{pointer, error.message}});
}

std::string answer_json(const projections::PromiseAnswer& answer,
                        const projections::PromiseQuery& query, std::uint64_t position) {
  std::string out;
  out.reserve(2048);
  ordo::json::append_json(out, answer.result, answer.currency);
  // The request's own values, already checked: ids, an ISO country, a postcode, a region code.
  const json tail = {{"channel", query.channel},
                     {"destination",
                      {{"country", query.destination.country},
                       {"postcode", query.destination.postcode},
                       {"region", query.destination.region}}}};
  out += ",\"channel\":" + dump(tail["channel"]) +
         ",\"computed_at_us\":" + std::to_string(query.at) +
         ",\"config_version\":" + std::to_string(answer.config_version) +
         ",\"destination\":" + dump(tail["destination"]) +
         ",\"position\":" + std::to_string(position) + "}";
  return out;
}

Awaitable answer_promise(Engine& engine, Context& context, projections::PromiseQuery query) {
  if (auto denied =
          domain::access::authorize(context.principal, P::sellable_read, {query.channel, {}})) {
    co_return forbidden(*denied);
  }
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  const auto position = engine.projector.position();
  auto answer = engine.projector.promise(query);
  if (!answer) co_return promise_refusal(answer.error(), "/lines");
  co_return json_response(200, answer_json(*answer, query, position));
}

}  // namespace

Awaitable promise_cart(Engine& engine, Context& context) {
  auto body = parse_body(context.request);
  if (auto* problem_response = std::get_if<http::Response>(&body))
    co_return std::move(*problem_response);
  auto request = ordo::json::parse_promise_request(std::get<json>(body));
  if (!request) co_return validation(request.error());
  auto destination = destination_of(engine, request->country, request->postcode, "/destination");
  if (auto* refused = std::get_if<http::Response>(&destination)) co_return std::move(*refused);
  projections::PromiseQuery query{request->channel,
                                  std::get<promise::Destination>(std::move(destination)),
                                  {},
                                  now_us(),
                                  request->explain,
                                  request->pickup_point};
  for (auto& [sku, quantity] : request->lines) query.lines.push_back({std::move(sku), quantity});
  co_return co_await answer_promise(engine, context, std::move(query));
}

Awaitable promise_product(Engine& engine, Context& context) {
  const auto sku = context.param("sku");
  if (!sku || !is_valid_id(*sku))
    co_return bad_parameter("sku", "sku is required: 1..64 characters of [A-Za-z0-9._-]");
  const auto country = context.param("country");
  if (!country || !domain::is_country_code(std::string(*country))) {
    co_return bad_parameter("country",
                            "country is required: an ISO 3166-1 alpha-2 code such as FR");
  }
  const auto postcode = context.param("postcode");
  if (!postcode || postcode->empty() || postcode->size() > 16) {
    co_return bad_parameter("postcode", "postcode is required: 1 to 16 characters");
  }
  std::string channel = "web";
  if (const auto c = context.param("channel")) {
    if (!is_valid_id(*c))
      co_return bad_parameter("channel", "a channel is 1..64 characters of [A-Za-z0-9._-]");
    channel = *c;
  }
  std::int64_t quantity = 1;
  if (const auto q = context.param("quantity")) {
    const auto parsed = parse_u64(*q);
    if (!parsed || *parsed < 1 || *parsed > 10'000)
      co_return bad_parameter("quantity", "quantity is 1 to 10000");
    quantity = static_cast<std::int64_t>(*parsed);
  }
  const auto explain = context.param("explain");
  if (explain && *explain != "true" && *explain != "false")
    co_return bad_parameter("explain", "explain is true or false");
  const auto relay = context.param("pickup_point").value_or("");
  if (!relay.empty() && !is_valid_id(relay))
    co_return bad_parameter("pickup_point", "a site id is 1..64 characters of [A-Za-z0-9._-]");
  auto destination =
      destination_of(engine, std::string(*country), std::string(*postcode), "#/query");
  if (auto* refused = std::get_if<http::Response>(&destination)) co_return std::move(*refused);
  projections::PromiseQuery query{channel,
                                  std::get<promise::Destination>(std::move(destination)),
                                  {{std::string(*sku), quantity}},
                                  now_us(),
                                  explain == "true",
                                  std::string(relay)};
  co_return co_await answer_promise(engine, context, std::move(query));
}

std::optional<http::Response> keep_promise(Engine& engine, domain::order::PlaceOrder& order,
                                           const std::string& pickup_point) {
  auto& chosen = order.promise;
  if (chosen.option_id.empty()) return std::nullopt;
  if (!promise::parse_option_id(chosen.option_id)) {
    return problem(422, "validation", "Invalid promise", "a promise option id is <service>@<site>",
                   {{"/promise/option_id", "expected <service>@<site>"}});
  }
  auto destination =
      destination_of(engine, order.delivery.country, order.delivery.postcode, "/delivery_address");
  if (auto* refused = std::get_if<http::Response>(&destination)) return std::move(*refused);
  projections::PromiseQuery query{
      order.channel, std::get<promise::Destination>(std::move(destination)), {}, order.at, false,
      pickup_point};
  for (const auto& line : order.lines) query.lines.push_back({line.sku, line.quantity});
  auto answer = engine.projector.promise(query);
  if (!answer) return promise_refusal(answer.error(), "/lines");
  for (const auto& option : answer->result.options) {
    if (option.id != chosen.option_id) continue;
    if (option.method != order.method) {
      return problem(
          422, "validation", "Promise of another delivery method",
          "option " + option.id + " is " + std::string(ordo::json::method_name(option.method)),
          {{"/delivery_method", "does not match the promise option"}});
    }
    if (option.promised_at > chosen.promised_at) {
      return problem(409, "promise-changed", "The promise changed",
                     "option " + option.id + " now promises " +
                         domain::calendar::to_string(option.date) +
                         "; show the customer the new date and place the order with it");
    }
    if (std::find(option.delays.begin(), option.delays.end(), promise::Cause::awaiting_stock) !=
        option.delays.end()) {
      return problem(
          409, "promise-unavailable", "Orders on expected stock are not taken",
          "option " + option.id +
              " waits for an expected receipt; Ordo sources orders from stock on hand, "
              "so offer the customer an option without a receipt or take the order later");
    }
    constexpr domain::Instant kSlack = 7 * domain::kMicrosPerDay;
    if (chosen.promised_at > option.promised_at + kSlack) {
      return problem(
          422, "validation", "Promise too far from the option",
          "promised_at_us is more than 7 days after what option " + option.id + " promises",
          {{"/promise/promised_at_us", "at most 7 days after the option's promised_at_us"}});
    }
    // The date the customer was shown stays the promise (it may be later than the engine's now);
    // the engine completes where and by whom.
    chosen.carrier = option.carrier;
    chosen.site_id = option.ship_from;
    chosen.preparation_day = option.local_prep_day;
    return std::nullopt;
  }
  std::string offered;
  for (const auto& option : answer->result.options)
    offered += (offered.empty() ? "" : ", ") + option.id;
  return problem(409, "promise-unavailable", "The promise can no longer be kept",
                 "option " + chosen.option_id + " is not available any more; available now: " +
                     (offered.empty() ? std::string("none") : offered));
}

Awaitable promise_accuracy(Engine& engine, Context& context) {
  const auto by = context.param("by").value_or("carrier");
  if (by != "carrier" && by != "site" && by != "method")
    co_return bad_parameter("by", "by is carrier, site or method");
  const auto from_text = context.param("from");
  const auto to_text = context.param("to");
  if (!from_text || !to_text)
    co_return bad_parameter(!from_text ? "from" : "to",
                            "from and to are required dates YYYY-MM-DD");
  const auto from = domain::calendar::parse_date(*from_text);
  const auto to = domain::calendar::parse_date(*to_text);
  if (!from) co_return bad_parameter("from", "from is a date YYYY-MM-DD");
  if (!to) co_return bad_parameter("to", "to is a date YYYY-MM-DD");
  const auto first = domain::calendar::days_from_civil(*from),
             last = domain::calendar::days_from_civil(*to);
  if (last < first || last - first >= kAccuracyDaysMax) {
    co_return bad_parameter("to", "to is on or after from, at most 366 days later");
  }
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  // A caller sees the figures its grants reach: a store's token its own site's, a channel's token
  // its own channel's (an entry recorded before entries kept their channel is in no channel's).
  struct Tally {
    std::int64_t fulfilled = 0, kept = 0, late_minutes = 0;
  };
  std::map<std::string, Tally> groups;
  Tally total;
  bool truncated = false;
  auto entries =
      engine.projector.accuracy(first * domain::kMicrosPerDay, (last + 1) * domain::kMicrosPerDay,
                                kAccuracyScanMax, truncated);
  if (!entries) co_return refusal(entries.error());
  for (const auto& entry : *entries) {
    if (!domain::access::allows(context.principal, P::orders_read, {entry.channel, {entry.site}}))
      continue;
    const std::string& key = by == "carrier" ? entry.carrier
                             : by == "site"  ? entry.site
                                             : std::string(domain::order::to_string(entry.method));
    auto& g = groups[key];
    const auto late =
        std::max<std::int64_t>(0, (entry.fulfilled_at - entry.promised_at) / 60'000'000);
    for (Tally* t : {&g, &total}) {
      ++t->fulfilled;
      t->kept += entry.kept ? 1 : 0;
      t->late_minutes += late;
    }
  }
  const auto row = [](const Tally& t) {
    const std::int64_t late = t.fulfilled - t.kept;
    return json{
        {"fulfilled", t.fulfilled},
        {"kept", t.kept},
        {"late", late},
        {"kept_share",
         t.fulfilled == 0 ? 0.0 : static_cast<double>(t.kept) / static_cast<double>(t.fulfilled)},
        {"average_late_minutes", late == 0 ? 0 : t.late_minutes / late}};
  };
  json rows = json::array();
  for (const auto& [key, tally] : groups) {
    json r = row(tally);
    r[std::string(by)] = key;
    rows.push_back(std::move(r));
  }
  json out = {{"by", by},       {"from", *from_text},  {"to", *to_text},
              {"groups", rows}, {"total", row(total)}, {"position", engine.projector.position()}};
  if (truncated) out["truncated"] = true;
  co_return json_response(200, dump(out));
}

Awaitable pickup_points(Engine& engine, Context& context) {
  const auto country = context.param("country");
  const auto postcode = context.param("postcode");
  if (!country || !domain::is_country_code(std::string(*country)))
    co_return bad_parameter("country", "country is required: an ISO 3166-1 alpha-2 code");
  if (!postcode || postcode->empty() || postcode->size() > 16)
    co_return bad_parameter("postcode", "postcode is required: 1 to 16 characters");
  std::int32_t max_km = 0;  // the promise area's pickup_point_max_km
  if (const auto text = context.param("max_km")) {
    const auto parsed = parse_u64(*text);
    if (!parsed || *parsed < 1 || *parsed > 200)
      co_return bad_parameter("max_km", "max_km is 1 to 200");
    max_km = static_cast<std::int32_t>(*parsed);
  }
  std::size_t limit = 10;
  if (const auto text = context.param("limit")) {
    const auto parsed = parse_u64(*text);
    if (!parsed || *parsed < 1 || *parsed > 50)
      co_return bad_parameter("limit", "limit is 1 to 50");
    limit = static_cast<std::size_t>(*parsed);
  }
  if (!engine.locate) {
    co_return problem(503, "unavailable", "No postcode gazetteer",
                      "ordo serve runs without --postcodes: it cannot place the customer", {});
  }
  auto destination =
      destination_of(engine, std::string(*country), std::string(*postcode), "#/query");
  if (auto* refused = std::get_if<http::Response>(&destination)) co_return std::move(*refused);
  const auto place = *std::get<promise::Destination>(destination).point;
  if (auto waited = co_await await_projection(engine, context)) co_return std::move(*waited);
  json list = json::array();
  for (const auto& r : engine.projector.pickup_points(place, max_km, limit, now_us())) {
    json relay = ordo::json::site_json(r.site_id, r.profile);
    relay["distance_km"] = r.distance_km;
    list.push_back(std::move(relay));
  }
  co_return json_response(200, dump(json{{"pickup_points", std::move(list)},
                                         {"max_km", max_km},
                                         {"position", engine.projector.position()}}));
}

}  // namespace ordo::gateway::api
