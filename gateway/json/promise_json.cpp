#include "gateway/json/promise_json.h"

#include "gateway/json/document_reader.h"

namespace ordo::json {
namespace {

namespace prom = domain::promise;
using domain::calendar::Date;
using nlohmann::json;

constexpr std::array<std::string_view, 5> kMethods = {
    "home_standard", "home_express", "pickup_point", "click_and_collect", "ship_to_store"};
constexpr std::array<std::string_view, 7> kWeekdays = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
constexpr std::array<std::string_view, 8> kRootFields = {
    "zones",        "services", "preparation",        "collect", "ship_to_store_max_km",
    "horizon_days", "currency", "pickup_point_max_km"};
constexpr std::array<std::string_view, 4> kZoneFields = {"name", "country", "postcode_prefixes",
                                                         "regions"};
constexpr std::array<std::string_view, 3> kBandFields = {"zone", "max_km", "days"};
constexpr std::array<std::string_view, 2> kWindowFields = {"from", "to"};
constexpr std::array<std::string_view, 22> kServiceFields = {"id",
                                                             "carrier",
                                                             "method",
                                                             "channels",
                                                             "countries",
                                                             "origin_countries",
                                                             "transit",
                                                             "pickup_days",
                                                             "pickup_cutoff",
                                                             "delivery_days",
                                                             "window",
                                                             "max_weight_g",
                                                             "max_volume_cm3",
                                                             "price_minor",
                                                             "price_per_kg_minor",
                                                             "free_above_minor",
                                                             "carbon_g_per_tonne_km",
                                                             "carbon_g_per_parcel",
                                                             "closed_dates",
                                                             "max_days",
                                                             "site_pickups",
                                                             "description"};
constexpr std::array<std::string_view, 3> kSitePickupFields = {"sites", "days", "cutoff"};
constexpr std::array<std::string_view, 6> kPreparationFields = {
    "name", "sites", "preparation_minutes", "cutoff", "daily_capacity", "closed_dates"};
constexpr std::array<std::string_view, 8> kCollectFields = {
    "enabled",    "channels", "max_distance_km", "preparation_minutes",
    "max_stores", "max_days", "price_minor",     "excluded_categories"};

class Parser : public DocumentReader {
 public:
  prom::Config document(const json& root) {
    prom::Config c;
    if (!object(root, "", kRootFields)) return c;
    array(root, "", "zones", c.zones, &Parser::zone);
    array(root, "", "services", c.services, &Parser::service);
    array(root, "", "preparation", c.preparation, &Parser::preparation);
    scalar(root, "", "collect", c.collect, false, &Parser::collect);
    scalar(root, "", "ship_to_store_max_km", c.ship_to_store_max_km, false,
           &Parser::integer<std::int32_t>);
    scalar(root, "", "horizon_days", c.horizon_days, false, &Parser::integer<std::int32_t>);
    scalar(root, "", "currency", c.currency, false, &Parser::text);
    scalar(root, "", "pickup_point_max_km", c.pickup_point_max_km, false,
           &Parser::integer<std::int32_t>);
    return c;
  }

 private:
  void flag(const json& v, const std::string& p, bool& out) { boolean(v, p, out); }
  void method(const json& v, const std::string& p, domain::order::DeliveryMethod& out) {
    if (const auto i = choice(v, p, kMethods, "delivery method"))
      out = static_cast<domain::order::DeliveryMethod>(*i);
  }
  void weekday(const json& v, const std::string& p, std::uint8_t& out) {
    if (const auto i = choice(v, p, kWeekdays, "weekday")) out = static_cast<std::uint8_t>(*i);
  }
  void weekdays(const json& parent, const std::string& pointer, std::string_view key,
                prom::Weekdays& out) {
    std::vector<std::uint8_t> days;
    if (field(parent, pointer, key, false) == nullptr) return;
    array(parent, pointer, key, days, &Parser::weekday);
    out = 0;
    for (auto d : days) out = static_cast<prom::Weekdays>(out | (1u << d));
  }
  void clock(const json& v, const std::string& p, std::uint16_t& out) {
    std::string t;
    if (!text(v, p, t)) return;
    const bool shape = t.size() == 5 && t[2] == ':' &&
                       std::isdigit(static_cast<unsigned char>(t[0])) &&
                       std::isdigit(static_cast<unsigned char>(t[1])) &&
                       std::isdigit(static_cast<unsigned char>(t[3])) &&
                       std::isdigit(static_cast<unsigned char>(t[4]));
    const int hours = shape ? (t[0] - '0') * 10 + (t[1] - '0') : 0;
    const int minutes = shape ? (t[3] - '0') * 10 + (t[4] - '0') : 0;
    if (!shape || minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) {
      fail(p, "expected a time \"HH:MM\" from 00:00 to 24:00, got \"" + t.substr(0, 16) + "\"");
      return;
    }
    out = static_cast<std::uint16_t>(hours * 60 + minutes);
  }
  void date(const json& v, const std::string& p, Date& out) {
    std::string t;
    if (!text(v, p, t)) return;
    if (const auto d = domain::calendar::parse_date(t))
      out = *d;
    else
      fail(p, "expected a date \"YYYY-MM-DD\", got \"" + t.substr(0, 16) + "\"");
  }

  void zone(const json& value, const std::string& pointer, prom::Zone& out) {
    if (!object(value, pointer, kZoneFields)) return;
    scalar(value, pointer, "name", out.name, true, &Parser::text);
    scalar(value, pointer, "country", out.country, true, &Parser::text);
    array(value, pointer, "postcode_prefixes", out.postcode_prefixes, &Parser::text);
    array(value, pointer, "regions", out.regions, &Parser::text);
  }
  void band(const json& value, const std::string& pointer, prom::TransitBand& out) {
    if (!object(value, pointer, kBandFields)) return;
    scalar(value, pointer, "zone", out.zone, false, &Parser::text);
    scalar(value, pointer, "max_km", out.max_km, false, &Parser::integer<std::int32_t>);
    scalar(value, pointer, "days", out.days, true, &Parser::integer<std::int32_t>);
  }
  void window(const json& value, const std::string& pointer, prom::Window& out) {
    if (!object(value, pointer, kWindowFields)) return;
    scalar(value, pointer, "from", out.from_minute, true, &Parser::clock);
    scalar(value, pointer, "to", out.to_minute, true, &Parser::clock);
  }
  void service(const json& value, const std::string& pointer, prom::Service& out) {
    if (!object(value, pointer, kServiceFields)) return;
    scalar(value, pointer, "id", out.id, true, &Parser::text);
    scalar(value, pointer, "carrier", out.carrier, true, &Parser::text);
    scalar(value, pointer, "method", out.method, true, &Parser::method);
    array(value, pointer, "channels", out.channels, &Parser::text);
    array(value, pointer, "countries", out.countries, &Parser::text);
    array(value, pointer, "origin_countries", out.origin_countries, &Parser::text);
    array(value, pointer, "transit", out.transit, &Parser::band);
    weekdays(value, pointer, "pickup_days", out.pickup_days);
    scalar(value, pointer, "pickup_cutoff", out.pickup_cutoff_minute, false, &Parser::clock);
    weekdays(value, pointer, "delivery_days", out.delivery_days);
    scalar(value, pointer, "window", out.window, false, &Parser::window);
    scalar(value, pointer, "max_weight_g", out.max_weight_g, false, &Parser::integer<std::int64_t>);
    scalar(value, pointer, "max_volume_cm3", out.max_volume_cm3, false,
           &Parser::integer<std::int64_t>);
    scalar(value, pointer, "price_minor", out.price_minor, false, &Parser::integer<std::int64_t>);
    scalar(value, pointer, "price_per_kg_minor", out.price_per_kg_minor, false,
           &Parser::integer<std::int64_t>);
    scalar(value, pointer, "free_above_minor", out.free_above_minor, false,
           &Parser::integer<std::int64_t>);
    scalar(value, pointer, "carbon_g_per_tonne_km", out.carbon_g_per_tonne_km, false,
           &Parser::integer<std::int32_t>);
    scalar(value, pointer, "carbon_g_per_parcel", out.carbon_g_per_parcel, false,
           &Parser::integer<std::int32_t>);
    array(value, pointer, "closed_dates", out.closed_dates, &Parser::date);
    scalar(value, pointer, "max_days", out.max_days, false, &Parser::integer<std::int32_t>);
    array(value, pointer, "site_pickups", out.site_pickups, &Parser::site_pickup);
    std::string description;
    scalar(value, pointer, "description", description, false, &Parser::text);
  }
  void site_pickup(const json& value, const std::string& pointer, prom::SitePickup& out) {
    if (!object(value, pointer, kSitePickupFields)) return;
    scalar(value, pointer, "sites", out.sites, false, &Parser::selector);
    weekdays(value, pointer, "days", out.days);
    scalar(value, pointer, "cutoff", out.cutoff_minute, false, &Parser::clock);
  }
  void preparation(const json& value, const std::string& pointer, prom::SitePreparation& out) {
    if (!object(value, pointer, kPreparationFields)) return;
    scalar(value, pointer, "name", out.name, true, &Parser::text);
    scalar(value, pointer, "sites", out.sites, false, &Parser::selector);
    scalar(value, pointer, "preparation_minutes", out.preparation_minutes, false,
           &Parser::integer<std::int32_t>);
    scalar(value, pointer, "cutoff", out.cutoff_minute, false, &Parser::clock);
    scalar(value, pointer, "daily_capacity", out.daily_capacity, false,
           &Parser::integer<std::int32_t>);
    array(value, pointer, "closed_dates", out.closed_dates, &Parser::date);
  }
  void collect(const json& value, const std::string& pointer, prom::Collect& out) {
    if (!object(value, pointer, kCollectFields)) return;
    scalar(value, pointer, "enabled", out.enabled, false, &Parser::flag);
    array(value, pointer, "channels", out.channels, &Parser::text);
    scalar(value, pointer, "max_distance_km", out.max_distance_km, false,
           &Parser::integer<std::int32_t>);
    scalar(value, pointer, "preparation_minutes", out.preparation_minutes, false,
           &Parser::integer<std::int32_t>);
    scalar(value, pointer, "max_stores", out.max_stores, false, &Parser::integer<std::int32_t>);
    scalar(value, pointer, "max_days", out.max_days, false, &Parser::integer<std::int32_t>);
    scalar(value, pointer, "price_minor", out.price_minor, false, &Parser::integer<std::int64_t>);
    array(value, pointer, "excluded_categories", out.excluded_categories, &Parser::text);
  }
};

constexpr std::array<std::string_view, 5> kRequestFields = {"channel", "destination", "lines",
                                                            "explain", "pickup_point"};
constexpr std::array<std::string_view, 2> kDestinationFields = {"country", "postcode"};
constexpr std::array<std::string_view, 2> kLineFields = {"sku", "quantity"};

class RequestParser : public DocumentReader {
 public:
  PromiseRequest document(const json& root) {
    PromiseRequest r;
    if (!object(root, "", kRequestFields)) return r;
    scalar(root, "", "channel", r.channel, false, &RequestParser::id);
    if (field(root, "", "destination", true) != nullptr) {
      const auto& d = root["destination"];
      if (object(d, "/destination", kDestinationFields)) {
        scalar(d, "/destination", "country", r.country, true, &RequestParser::country);
        scalar(d, "/destination", "postcode", r.postcode, true, &RequestParser::postcode);
      }
    }
    if (field(root, "", "lines", true) != nullptr) {
      array(root, "", "lines", r.lines, &RequestParser::line);
      if (r.lines.empty() || r.lines.size() > 100) fail("/lines", "give 1 to 100 lines");
    }
    scalar(root, "", "explain", r.explain, false, &RequestParser::flag);
    scalar(root, "", "pickup_point", r.pickup_point, false, &RequestParser::id);
    return r;
  }

 private:
  void flag(const json& v, const std::string& p, bool& out) { boolean(v, p, out); }
  void id(const json& v, const std::string& p, std::string& out) { identifier(v, p, out); }
  void country(const json& v, const std::string& p, std::string& out) {
    if (text(v, p, out) && !domain::is_country_code(out)) {
      fail(p, "expected an ISO 3166-1 alpha-2 country code such as \"FR\"");
    }
  }
  void postcode(const json& v, const std::string& p, std::string& out) {
    if (text(v, p, out) && (out.empty() || out.size() > 16))
      fail(p, "expected a postcode of 1 to 16 characters");
  }
  void line(const json& value, const std::string& pointer,
            std::pair<std::string, std::int64_t>& out) {
    if (!object(value, pointer, kLineFields)) return;
    scalar(value, pointer, "sku", out.first, true, &RequestParser::id);
    if (const json* q = field(value, pointer, "quantity", true)) {
      if (integer(*q, child(pointer, "quantity"), out.second) &&
          (out.second < 1 || out.second > 10'000)) {
        fail(child(pointer, "quantity"), "expected 1 to 10000 units");
      }
    }
  }
};

json weekdays_json(prom::Weekdays days) {
  json out = json::array();
  for (std::size_t d = 0; d < 7; ++d) {
    if ((days >> d) & 1u) out.push_back(kWeekdays[d]);
  }
  return out;
}

json dates_json(const std::vector<Date>& dates) {
  json out = json::array();
  for (const auto& d : dates) out.push_back(domain::calendar::to_string(d));
  return out;
}

}  // namespace

std::string clock_text(unsigned minute) {
  char text[8];
  std::snprintf(text, sizeof text, "%02u:%02u", (minute / 60) % 100, minute % 60);
  return text;
}

std::string_view method_name(domain::order::DeliveryMethod method) {
  return kMethods.at(static_cast<std::size_t>(method));
}

Result<PromiseRequest, std::vector<domain::ConfigError>> parse_promise_request(const json& body) {
  RequestParser parser;
  auto request = parser.document(body);
  if (!parser.ok()) return std::unexpected(parser.take_errors());
  return request;
}

Result<prom::Config, std::vector<domain::ConfigError>> parse_promise_config(const json& document) {
  Parser parser;
  auto config = parser.document(document);
  if (!parser.ok()) return std::unexpected(parser.take_errors());
  return config;
}

json to_json(const prom::Config& c) {
  json zones = json::array();
  for (const auto& z : c.zones) {
    zones.push_back({{"name", z.name},
                     {"country", z.country},
                     {"postcode_prefixes", z.postcode_prefixes},
                     {"regions", z.regions}});
  }
  json services = json::array();
  for (const auto& s : c.services) {
    json transit = json::array();
    for (const auto& b : s.transit)
      transit.push_back({{"zone", b.zone}, {"max_km", b.max_km}, {"days", b.days}});
    json service = {{"id", s.id},
                    {"carrier", s.carrier},
                    {"method", method_name(s.method)},
                    {"channels", s.channels},
                    {"countries", s.countries},
                    {"origin_countries", s.origin_countries},
                    {"transit", transit},
                    {"pickup_days", weekdays_json(s.pickup_days)},
                    {"pickup_cutoff", clock_text(s.pickup_cutoff_minute)},
                    {"delivery_days", weekdays_json(s.delivery_days)},
                    {"max_weight_g", s.max_weight_g},
                    {"max_volume_cm3", s.max_volume_cm3},
                    {"price_minor", s.price_minor},
                    {"price_per_kg_minor", s.price_per_kg_minor},
                    {"free_above_minor", s.free_above_minor},
                    {"carbon_g_per_tonne_km", s.carbon_g_per_tonne_km},
                    {"carbon_g_per_parcel", s.carbon_g_per_parcel},
                    {"closed_dates", dates_json(s.closed_dates)},
                    {"max_days", s.max_days}};
    service["window"] = {{"from", clock_text(s.window.from_minute)},
                         {"to", clock_text(s.window.to_minute)}};
    json pickups = json::array();
    for (const auto& p : s.site_pickups) {
      pickups.push_back({{"sites", selector_json(p.sites)},
                         {"days", weekdays_json(p.days)},
                         {"cutoff", clock_text(p.cutoff_minute)}});
    }
    service["site_pickups"] = std::move(pickups);
    services.push_back(std::move(service));
  }
  json preparation = json::array();
  for (const auto& p : c.preparation) {
    preparation.push_back({{"name", p.name},
                           {"sites", selector_json(p.sites)},
                           {"preparation_minutes", p.preparation_minutes},
                           {"cutoff", clock_text(p.cutoff_minute)},
                           {"daily_capacity", p.daily_capacity},
                           {"closed_dates", dates_json(p.closed_dates)}});
  }
  const auto& k = c.collect;
  return {{"zones", zones},
          {"services", services},
          {"preparation", preparation},
          {"collect",
           {{"enabled", k.enabled},
            {"channels", k.channels},
            {"max_distance_km", k.max_distance_km},
            {"preparation_minutes", k.preparation_minutes},
            {"max_stores", k.max_stores},
            {"max_days", k.max_days},
            {"price_minor", k.price_minor},
            {"excluded_categories", k.excluded_categories}}},
          {"ship_to_store_max_km", c.ship_to_store_max_km},
          {"horizon_days", c.horizon_days},
          {"currency", c.currency},
          {"pickup_point_max_km", c.pickup_point_max_km}};
}

namespace {

void quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
      out.append(escaped);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void field(std::string& out, std::string_view key, std::string_view text) {
  out.push_back('"');
  out.append(key);
  out.append("\":");
  quoted(out, text);
  out.push_back(',');
}

void field(std::string& out, std::string_view key, std::int64_t value) {
  out.push_back('"');
  out.append(key);
  out.append("\":");
  out.append(std::to_string(value));
  out.push_back(',');
}

}  // namespace

void append_json(std::string& out, const prom::Result& result, const std::string& currency) {
  // Keys sorted, as nlohmann's objects write them elsewhere in the API.
  out.append("{");
  if (!result.infeasible.empty()) {
    out.append("\"infeasible\":[");
    for (std::size_t i = 0; i < result.infeasible.size(); ++i) {
      const auto& x = result.infeasible[i];
      out.append(i == 0 ? "{" : ",{");
      if (!x.carrier.empty()) field(out, "carrier", x.carrier);
      field(out, "detail", x.detail);
      field(out, "method", method_name(x.method));
      field(out, "reason", prom::to_string(x.cause));
      field(out, "service", x.service);
      out.back() = '}';
    }
    out.append("],");
  }
  out.append("\"options\":[");
  for (std::size_t i = 0; i < result.options.size(); ++i) {
    const auto& o = result.options[i];
    out.append(i == 0 ? "{" : ",{");
    field(out, "carbon_g", o.carbon_g);
    if (!o.carrier.empty()) field(out, "carrier", o.carrier);
    if (!o.collect_at.empty()) field(out, "collect_at", o.collect_at);
    field(out, "date", domain::calendar::to_string(o.date));
    out.append("\"delays\":[");
    for (std::size_t d = 0; d < o.delays.size(); ++d) {
      if (d > 0) out.push_back(',');
      quoted(out, prom::to_string(o.delays[d]));
    }
    out.append("],");
    field(out, "distance_km", o.distance_km);
    field(out, "earliest_at_us", o.earliest_at);
    field(out, "id", o.id);
    field(out, "method", method_name(o.method));
    if (o.order_by != 0) field(out, "order_by_us", o.order_by);
    out.append("\"price\":{");
    field(out, "currency", currency);
    field(out, "minor", o.price_minor);
    out.back() = '}';
    out.push_back(',');
    field(out, "promised_at_us", o.promised_at);
    field(out, "service", o.service);
    field(out, "ship_date", domain::calendar::to_string(o.ship_date));
    field(out, "ship_from", o.ship_from);
    if (o.window.from_minute != 0 || (o.window.to_minute != 0 && o.window.to_minute < 1440)) {
      out.append("\"window\":{");
      field(out, "from", clock_text(o.window.from_minute));
      field(out, "to", clock_text(o.window.to_minute == 0 ? 1440 : o.window.to_minute));
      out.back() = '}';
      out.push_back(',');
    }
    out.back() = '}';
  }
  out.append("]");
}

}  // namespace ordo::json
