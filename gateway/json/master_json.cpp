#include "gateway/json/master_json.h"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace ordo::json {
namespace {

using nlohmann::json;
namespace site = domain::site;
namespace catalog = domain::catalog;
namespace channel = domain::channel;
namespace order = domain::order;

constexpr std::array<std::string_view, 14> kSiteFields = {
    "site_id",       "name",        "type",      "country",       "region",
    "postcode",      "latitude",    "longitude", "time_zone",     "capabilities",
    "opening_hours", "closed_days", "brands",    "daily_capacity"};
constexpr std::array<std::string_view, 4> kCapabilityFields = {
    "ship_from_store", "click_and_collect", "returns", "ship_to_store"};
constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<std::string_view, 4> kSiteTypes = {"store", "warehouse", "dark_store",
                                                        "pickup_point"};
constexpr std::array<std::string_view, 10> kItemFields = {"sku",
                                                          "name",
                                                          "category",
                                                          "brand",
                                                          "weight_g",
                                                          "volume_cm3",
                                                          "price",
                                                          "dangerous_goods",
                                                          "click_and_collect",
                                                          "prices"};
constexpr std::array<std::string_view, 2> kMoneyFields = {"minor", "currency"};
constexpr std::array<std::string_view, 3> kChannelPriceFields = {"channel", "minor", "currency"};
constexpr std::array<std::string_view, 2> kBrandFields = {"brand_id", "name"};
constexpr std::array<std::string_view, 9> kChannelFields = {
    "channel_id",       "name",           "countries",
    "currency",         "brand",          "inventory_view",
    "delivery_methods", "address_policy", "price_tolerance_bp"};
constexpr std::array<std::string_view, 5> kMethodNames = {
    "home_standard", "home_express", "pickup_point", "click_and_collect", "ship_to_store"};
constexpr std::array<std::string_view, 3> kPolicyNames = {"refuse", "hold", "warn"};
constexpr std::array<std::string_view, 2> kClosureFields = {"for_good", "reason"};
constexpr Length kName{1, 200};
constexpr Length kShortText{0, 64};
constexpr Length kList{0, 1000};
constexpr Range kGrams{0, 10'000'000'000};
constexpr Range kMinor{0, 1'000'000'000'000};
constexpr Range kCapacity{0, 1'000'000};

template <class T>
Parsed<T> result(Reader& reader, T value) {
  if (!reader.ok()) return std::unexpected(reader.take_errors());
  return value;
}

// A finite JSON number (integer or float) within [min, max].
bool number(Reader& reader, Fields& fields, std::string_view key, double& out, double min,
            double max) {
  const json* value = fields.get(key, Presence::optional);
  if (value == nullptr) return false;
  if (!value->is_number()) {
    reader.fail(fields.pointer_of(key), "expected a number, got " + describe(*value));
    return false;
  }
  const double read = value->get<double>();
  if (!std::isfinite(read) || read < min || read > max) {
    reader.fail(fields.pointer_of(key),
                quote(*value) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
    return false;
  }
  out = read;
  return true;
}

// An array of strings at `key`, each checked by `accept` (which reports its own problem).
template <class Accept>
void strings(Reader& reader, Fields& fields, std::string_view key, std::vector<std::string>& out,
             Accept accept) {
  const json* value = fields.get(key, Presence::optional);
  const auto pointer = fields.pointer_of(key);
  if (value == nullptr || !reader.array(*value, pointer, kList)) return;
  for (std::size_t i = 0; i < value->size(); ++i) {
    std::string text;
    if (reader.text_within((*value)[i], child(pointer, i), text, kShortText) &&
        accept(text, child(pointer, i))) {
      out.push_back(std::move(text));
    }
  }
}

void read_capabilities(Reader& reader, Fields& parent, site::Capabilities& out) {
  const json* value = parent.get("capabilities", Presence::optional);
  if (value == nullptr) return;
  Fields fields(reader, *value, parent.pointer_of("capabilities"), kCapabilityFields);
  fields.boolean("ship_from_store", out.ship_from_store, Presence::optional);
  fields.boolean("click_and_collect", out.click_and_collect, Presence::optional);
  fields.boolean("returns", out.returns, Presence::optional);
  fields.boolean("ship_to_store", out.ship_to_store, Presence::optional);
}

void read_hours(Reader& reader, Fields& parent, std::array<site::DayHours, 7>& out) {
  const json* value = parent.get("opening_hours", Presence::optional);
  if (value == nullptr) return;
  Fields fields(reader, *value, parent.pointer_of("opening_hours"), kDays);
  for (std::size_t d = 0; d < kDays.size(); ++d) {
    std::string text;
    if (!fields.text(kDays[d], text, kShortText, Presence::optional)) continue;
    if (auto hours = parse_day_hours(text)) {
      out[d] = *hours;
    } else {
      fields.reject(kDays[d],
                    "opening hours (\"09:00-19:00\", closing after opening, or "
                    "\"closed\")");
    }
  }
}

void read_closed_days(Reader& reader, Fields& fields, std::vector<std::int64_t>& out) {
  std::vector<std::string> dates;
  strings(reader, fields, "closed_days", dates, [&](const std::string& text, const auto& at) {
    if (parse_date(text)) return true;
    reader.fail(at, "\"" + text + "\" is not a date (YYYY-MM-DD)");
    return false;
  });
  for (const auto& d : dates) out.push_back(*parse_date(d));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

bool money(Reader& reader, Fields& parent, std::string_view key, domain::Money& out) {
  const json* value = parent.get(key, Presence::required);
  if (value == nullptr) return false;
  Fields fields(reader, *value, parent.pointer_of(key), kMoneyFields);
  fields.integer("minor", out.minor, kMinor, Presence::required);
  return fields.text("currency", out.currency, kShortText, Presence::required);
}

void read_prices(Reader& reader, Fields& parent, std::vector<catalog::ChannelPrice>& out) {
  const json* value = parent.get("prices", Presence::optional);
  const auto pointer = parent.pointer_of("prices");
  if (value == nullptr || !reader.array(*value, pointer, kList)) return;
  out.resize(value->size());
  for (std::size_t i = 0; i < value->size(); ++i) {
    Fields fields(reader, (*value)[i], child(pointer, i), kChannelPriceFields);
    fields.identifier("channel", out[i].channel, Presence::required);
    fields.integer("minor", out[i].price.minor, kMinor, Presence::required);
    fields.text("currency", out[i].price.currency, kShortText, Presence::required);
  }
}

std::string hhmm(std::uint16_t minute) {
  char text[8];
  std::snprintf(text, sizeof text, "%02u:%02u", minute / 60U, minute % 60U);
  return text;
}

}  // namespace

std::optional<std::int64_t> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  m = static_cast<unsigned>((text[5] - '0') * 10 + (text[6] - '0'));
  d = static_cast<unsigned>((text[8] - '0') * 10 + (text[9] - '0'));
  const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{m},
                                         std::chrono::day{d}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date}.time_since_epoch().count();
}

std::optional<std::int64_t> parse_timestamp(std::string_view text) {
  const auto days = parse_date(text.substr(0, 10));
  if (!days) return std::nullopt;
  constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
  if (text.size() == 10) return *days * kMicrosPerDay;
  // "THH:MM:SSZ"
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z') {
    return std::nullopt;
  }
  int parts[3] = {};
  for (int i = 0; i < 3; ++i) {
    const char a = text[11 + 3 * i], b = text[12 + 3 * i];
    if (a < '0' || a > '9' || b < '0' || b > '9') return std::nullopt;
    parts[i] = (a - '0') * 10 + (b - '0');
  }
  if (parts[0] > 23 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  return *days * kMicrosPerDay + ((parts[0] * 60LL + parts[1]) * 60 + parts[2]) * 1'000'000;
}

std::string format_date(std::int64_t days) {
  const std::chrono::year_month_day date{
      std::chrono::sys_days{std::chrono::days{static_cast<int>(days)}}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::optional<site::DayHours> parse_day_hours(std::string_view text) {
  if (text == "closed") return site::DayHours{0, 0};
  if (text.size() != 11 || text[5] != '-') return std::nullopt;
  auto minute_of = [](std::string_view hm) -> std::optional<std::uint16_t> {
    if (hm.size() != 5 || hm[2] != ':') return std::nullopt;
    for (std::size_t i : {0, 1, 3, 4}) {
      if (hm[i] < '0' || hm[i] > '9') return std::nullopt;
    }
    const int h = (hm[0] - '0') * 10 + (hm[1] - '0'), m = (hm[3] - '0') * 10 + (hm[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
    return static_cast<std::uint16_t>(h * 60 + m);
  };
  const auto open = minute_of(text.substr(0, 5)), close = minute_of(text.substr(6));
  if (!open || !close || *close <= *open) return std::nullopt;
  return site::DayHours{*open, *close};
}

std::string format_day_hours(const site::DayHours& hours) {
  if (hours.open_minute == hours.close_minute) return "closed";
  return hhmm(hours.open_minute) + "-" + hhmm(hours.close_minute);
}

json address_check_json(const domain::AddressCheck& c) {
  json original = nullptr;
  if (c.original != domain::Address{}) {
    const auto& a = c.original;
    original = {{"name", a.name},         {"line1", a.line1}, {"line2", a.line2},
                {"postcode", a.postcode}, {"city", a.city},   {"country", a.country},
                {"phone", a.phone}};
  }
  return {{"verdict", domain::to_string(c.verdict)},
          {"field", c.field},
          {"reason", c.reason},
          {"suggestions", c.suggestions},
          {"original_address", std::move(original)}};
}

json site_json(std::string_view site_id, const site::Profile& p) {
  json hours = json::object();
  for (std::size_t d = 0; d < kDays.size(); ++d) {
    hours[std::string(kDays[d])] = format_day_hours(p.opening_hours[d]);
  }
  json closed = json::array();
  for (auto day : p.closed_days) closed.push_back(format_date(day));
  return {{"site_id", site_id},
          {"name", p.name},
          {"type", kSiteTypes[static_cast<std::size_t>(p.type)]},
          {"country", p.country},
          {"region", p.region},
          {"postcode", p.postcode},
          {"latitude", p.latitude},
          {"longitude", p.longitude},
          {"time_zone", p.time_zone},
          {"capabilities",
           {{"ship_from_store", p.capabilities.ship_from_store},
            {"click_and_collect", p.capabilities.click_and_collect},
            {"returns", p.capabilities.returns},
            {"ship_to_store", p.capabilities.ship_to_store}}},
          {"opening_hours", std::move(hours)},
          {"closed_days", std::move(closed)},
          {"brands", p.brands},
          {"daily_capacity", p.daily_capacity},
          {"status", site::to_string(p.status)}};
}

json item_json(const catalog::Item& item) {
  json prices = json::array();
  for (const auto& p : item.prices) {
    prices.push_back(
        {{"channel", p.channel}, {"minor", p.price.minor}, {"currency", p.price.currency}});
  }
  return {{"sku", item.sku},
          {"name", item.name},
          {"category", item.category},
          {"brand", item.brand},
          {"weight_g", item.weight_g},
          {"volume_cm3", item.volume_cm3},
          {"price", {{"minor", item.price.minor}, {"currency", item.price.currency}}},
          {"dangerous_goods", item.dangerous_goods},
          {"click_and_collect", item.click_and_collect},
          {"prices", std::move(prices)}};
}

json brand_json(const domain::brand::Brand& brand) {
  return {{"brand_id", brand.brand_id}, {"name", brand.name}};
}

json channel_json(const channel::Channel& c) {
  json methods = json::array();
  for (auto m : c.delivery_methods) methods.push_back(order::to_string(m));
  return {{"channel_id", c.channel_id},
          {"name", c.name},
          {"countries", c.countries},
          {"currency", c.currency},
          {"brand", c.brand},
          {"inventory_view", c.inventory_view},
          {"delivery_methods", std::move(methods)},
          {"address_policy", channel::to_string(c.address_policy)},
          {"price_tolerance_bp", c.price_tolerance_bp}};
}

Parsed<SiteBody> parse_site(const json& body) {
  Reader reader;
  SiteBody out;
  auto& p = out.profile;
  // "status" is what GET returns; accepted (and ignored) so a GET can be PUT back.
  std::array<std::string_view, kSiteFields.size() + 1> known{};
  std::copy(kSiteFields.begin(), kSiteFields.end(), known.begin());
  known.back() = "status";
  Fields fields(reader, body, "", known);
  fields.identifier("site_id", out.site_id, Presence::required);
  fields.text("name", p.name, kName, Presence::required);
  if (auto type = fields.choice("type", kSiteTypes, "site type", Presence::required))
    p.type = static_cast<site::SiteType>(*type);
  fields.text("country", p.country, kShortText, Presence::required);
  fields.text("region", p.region, kShortText, Presence::optional);
  fields.text("postcode", p.postcode, kShortText, Presence::required);
  const bool has_latitude = number(reader, fields, "latitude", p.latitude, -90, 90);
  const bool has_longitude = number(reader, fields, "longitude", p.longitude, -180, 180);
  if (has_latitude != has_longitude && reader.ok()) {
    reader.fail(fields.pointer_of(has_latitude ? "longitude" : "latitude"),
                "latitude and longitude come together (or neither, to use the postcode's)");
  }
  out.has_coordinates = has_latitude && has_longitude;
  fields.text("time_zone", p.time_zone, kShortText, Presence::required);
  read_capabilities(reader, fields, p.capabilities);
  read_hours(reader, fields, p.opening_hours);
  read_closed_days(reader, fields, p.closed_days);
  strings(reader, fields, "brands", p.brands, [](const std::string&, const auto&) { return true; });
  fields.integer("daily_capacity", p.daily_capacity, kCapacity, Presence::optional);
  return result(reader, std::move(out));
}

Parsed<catalog::Item> parse_item(const json& body) {
  Reader reader;
  catalog::Item item;
  Fields fields(reader, body, "", kItemFields);
  fields.identifier("sku", item.sku, Presence::required);
  fields.text("name", item.name, kName, Presence::required);
  fields.text("category", item.category, {0, 200}, Presence::optional);
  fields.text("brand", item.brand, kShortText, Presence::optional);
  fields.integer("weight_g", item.weight_g, kGrams, Presence::optional);
  fields.integer("volume_cm3", item.volume_cm3, kGrams, Presence::optional);
  money(reader, fields, "price", item.price);
  fields.boolean("dangerous_goods", item.dangerous_goods, Presence::optional);
  fields.boolean("click_and_collect", item.click_and_collect, Presence::optional);
  read_prices(reader, fields, item.prices);
  return result(reader, std::move(item));
}

Parsed<domain::brand::Brand> parse_brand(const json& body) {
  Reader reader;
  domain::brand::Brand brand;
  Fields fields(reader, body, "", kBrandFields);
  fields.identifier("brand_id", brand.brand_id, Presence::required);
  fields.text("name", brand.name, kName, Presence::required);
  return result(reader, std::move(brand));
}

Parsed<channel::Channel> parse_channel(const json& body) {
  Reader reader;
  channel::Channel c;
  Fields fields(reader, body, "", kChannelFields);
  fields.identifier("channel_id", c.channel_id, Presence::required);
  fields.text("name", c.name, kName, Presence::required);
  strings(reader, fields, "countries", c.countries,
          [](const std::string&, const auto&) { return true; });
  fields.text("currency", c.currency, kShortText, Presence::required);
  fields.text("brand", c.brand, kShortText, Presence::optional);
  fields.text("inventory_view", c.inventory_view, kShortText, Presence::optional);
  if (const json* methods = fields.get("delivery_methods", Presence::required)) {
    const auto pointer = fields.pointer_of("delivery_methods");
    if (reader.array(*methods, pointer, {0, kMethodNames.size() * 2})) {
      for (std::size_t i = 0; i < methods->size(); ++i) {
        if (auto m =
                reader.choice((*methods)[i], child(pointer, i), kMethodNames, "delivery method")) {
          c.delivery_methods.push_back(static_cast<order::DeliveryMethod>(*m));
        }
      }
    }
  }
  if (auto policy =
          fields.choice("address_policy", kPolicyNames, "address policy", Presence::optional)) {
    c.address_policy = static_cast<channel::AddressPolicy>(*policy);
  }
  fields.integer("price_tolerance_bp", c.price_tolerance_bp, {0, 10'000}, Presence::optional);
  return result(reader, std::move(c));
}

Parsed<PriceRow> parse_price_row(const json& body) {
  static constexpr std::array<std::string_view, 4> kFields = {"sku", "channel", "minor",
                                                              "currency"};
  Reader reader;
  PriceRow out;
  Fields fields(reader, body, "", kFields);
  fields.identifier("sku", out.sku, Presence::required);
  fields.identifier("channel", out.channel, Presence::required);
  fields.integer("minor", out.price.minor, kMinor, Presence::required);
  fields.text("currency", out.price.currency, kShortText, Presence::required);
  return result(reader, std::move(out));
}

Parsed<CountRow> parse_count_row(const json& body, std::string source) {
  static constexpr std::array<std::string_view, 4> kFields = {"site", "sku", "counted", "source"};
  Reader reader;
  CountRow out;
  out.source = std::move(source);
  Fields fields(reader, body, "", kFields);
  fields.identifier("site", out.site, Presence::required);
  fields.identifier("sku", out.sku, Presence::required);
  fields.integer("counted", out.counted, {0, 1'000'000'000}, Presence::required);
  fields.text("source", out.source, {1, 64}, Presence::optional);
  return result(reader, std::move(out));
}

Parsed<ReceiptRow> parse_receipt_row(const json& body) {
  static constexpr std::array<std::string_view, 5> kFields = {"site", "sku", "receipt_id",
                                                              "quantity", "expected_at"};
  Reader reader;
  ReceiptRow out;
  Fields fields(reader, body, "", kFields);
  fields.identifier("site", out.site, Presence::required);
  fields.identifier("sku", out.sku, Presence::required);
  fields.identifier("receipt_id", out.receipt_id, Presence::required);
  fields.integer("quantity", out.quantity, {1, 1'000'000'000}, Presence::required);
  std::string expected;
  if (fields.text("expected_at", expected, {1, 32}, Presence::required)) {
    if (auto at = parse_timestamp(expected))
      out.expected_at = *at;
    else
      reader.fail(fields.pointer_of("expected_at"),
                  "\"" + expected + "\" is not a date (YYYY-MM-DD) or a UTC time " +
                      "(YYYY-MM-DDTHH:MM:SSZ)");
  }
  return result(reader, std::move(out));
}

Parsed<SiteClosure> parse_site_closure(const json& body) {
  Reader reader;
  SiteClosure out;
  Fields fields(reader, body, "", kClosureFields);
  fields.boolean("for_good", out.for_good, Presence::optional);
  fields.text("reason", out.reason, {1, 500}, Presence::required);
  return result(reader, std::move(out));
}

}  // namespace ordo::json
