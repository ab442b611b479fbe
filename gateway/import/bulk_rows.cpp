#include "gateway/import/bulk_rows.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "gateway/json/master_json.h"

namespace ordo::bulk {
namespace {

using nlohmann::json;
namespace site = domain::site;

struct Columns {
  std::vector<std::string_view> required;
  std::vector<std::string_view> optional;
};

const Columns& columns_of(Kind kind) {
  static const Columns kColumns[] = {
      {{"brand_id", "name"}, {}},
      {{"channel_id", "name", "countries", "currency", "delivery_methods"},
       {"brand", "inventory_view", "address_policy", "price_tolerance_bp"}},
      {{"site_id", "name", "type", "country", "postcode", "time_zone"},
       {"region", "latitude", "longitude", "ship_from_store", "click_and_collect", "returns",
        "ship_to_store", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "closed_days", "brands",
        "daily_capacity"}},
      {{"sku", "name", "price_minor", "currency"},
       {"category", "brand", "weight_g", "volume_cm3", "dangerous_goods", "click_and_collect"}},
      {{"sku", "channel", "price_minor", "currency"}, {}},
      {{"site", "sku", "counted"}, {"source"}},
      {{"site", "sku", "receipt_id", "quantity", "expected_at"}, {}}};
  return kColumns[static_cast<std::size_t>(kind)];
}

constexpr std::string_view kListColumns[] = {"countries", "delivery_methods", "closed_days",
                                             "brands"};
constexpr std::string_view kBoolColumns[] = {"ship_from_store", "click_and_collect", "returns",
                                             "ship_to_store", "dangerous_goods"};
constexpr std::string_view kIntColumns[] = {
    "price_tolerance_bp", "daily_capacity", "weight_g", "volume_cm3",
    "price_minor",        "counted",        "quantity"};
constexpr std::string_view kCapabilities[] = {"ship_from_store", "click_and_collect", "returns",
                                              "ship_to_store"};
constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

template <class List>
bool in(const List& list, std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

// A cell as the JSON value its column holds; a cell that is not of the column's type stays a
// string, so that the parser names the problem ("expected an integer, got the string ...").
json cell(std::string_view column, const std::string& text) {
  if (in(kListColumns, column)) {
    json list = json::array();
    std::size_t start = 0;
    while (start <= text.size()) {
      const auto end = std::min(text.find('|', start), text.size());
      list.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return list;
  }
  if (in(kBoolColumns, column)) {
    if (text == "true" || text == "1" || text == "yes") return true;
    if (text == "false" || text == "0" || text == "no") return false;
    return text;
  }
  if (in(kIntColumns, column)) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size()) return value;
    return text;
  }
  if (column == "latitude" || column == "longitude") {
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size()) return value;
    return text;
  }
  return text;
}

// What a row defines, from its key fields (only read once the row is valid).
std::string key_of(Kind kind, const json& object) {
  static const std::vector<std::string_view> kKeys[] = {{"brand_id"},
                                                        {"channel_id"},
                                                        {"site_id"},
                                                        {"sku"},
                                                        {"sku", "channel"},
                                                        {"site", "sku"},
                                                        {"site", "sku", "receipt_id"}};
  std::string key;
  for (const auto field : kKeys[static_cast<std::size_t>(kind)]) {
    const auto it = object.find(field);
    key += (key.empty() ? "" : "/") +
           (it != object.end() && it->is_string() ? it->get<std::string>() : std::string());
  }
  return key;
}

// The site's nested objects from their flat columns.
void nest_site(json& object) {
  json capabilities = json::object(), hours = json::object();
  for (auto name : kCapabilities) {
    if (auto it = object.find(name); it != object.end()) {
      capabilities[std::string(name)] = *it;
      object.erase(it);
    }
  }
  for (auto day : kDays) {
    if (auto it = object.find(day); it != object.end()) {
      hours[std::string(day)] = *it;
      object.erase(it);
    }
  }
  if (!capabilities.empty()) object["capabilities"] = std::move(capabilities);
  if (!hours.empty()) object["opening_hours"] = std::move(hours);
}

// The item's money from price_minor and currency.
void nest_price(json& object, const char* key) {
  json money = json::object();
  if (auto it = object.find("price_minor"); it != object.end()) {
    money["minor"] = *it;
    object.erase(it);
  }
  if (auto it = object.find("currency"); it != object.end()) {
    money["currency"] = *it;
    object.erase(it);
  }
  if (key == nullptr) {
    for (auto& [k, v] : money.items()) object[k] = v;
  } else {
    object[key] = std::move(money);
  }
}

// A JSON pointer's problem named as the CSV column it came from.
std::string column_of(const std::string& pointer) {
  if (pointer == "/price/minor" || pointer == "/minor") return "price_minor";
  if (pointer == "/price/currency") return "currency";
  if (pointer.empty()) return "";
  const auto last = pointer.rfind('/');
  auto token = pointer.substr(last + 1);
  // A list's item ("/brands/2") is named by its list.
  if (!token.empty() && std::all_of(token.begin(), token.end(), ::isdigit) && last > 0) {
    const auto before = pointer.rfind('/', last - 1);
    return pointer.substr(before + 1, last - before - 1) + "[" + token + "]";
  }
  return token;
}

void add_problems(const std::vector<domain::ConfigError>& errors, std::size_t line, bool csv,
                  Rows& out) {
  for (const auto& e : errors)
    out.problems.push_back({line, csv ? column_of(e.pointer) : e.pointer, e.message});
}

// A site row; a site without coordinates is placed at its postcode's centroid.
void read_site(const json& object, std::size_t line, bool csv, const ReadOptions& options,
               Rows& out) {
  auto s = ordo::json::parse_site(object);
  if (!s) {
    add_problems(s.error(), line, csv, out);
    return;
  }
  if (!s->has_coordinates) {
    const auto place =
        options.locate ? options.locate(s->profile.country, s->profile.postcode) : std::nullopt;
    if (!place) {
      out.problems.push_back(
          {line, csv ? "latitude" : "/latitude",
           "no coordinates, and postcode \"" + s->profile.postcode.substr(0, 16) + "\" (" +
               s->profile.country.substr(0, 4) + ") is not in the postcode gazetteer"});
      return;
    }
    s->profile.latitude = place->first.latitude;
    s->profile.longitude = place->first.longitude;
    if (s->profile.region.empty()) s->profile.region = place->second;
  }
  out.rows.push_back(
      {line, site::Command{site::DefineSite{s->site_id, s->profile, options.now}}, s->site_id});
}

}  // namespace

Result<void> check_columns(Kind kind, const std::vector<std::string>& header) {
  const auto& columns = columns_of(kind);
  std::set<std::string> seen;
  for (const auto& name : header) {
    if (!in(columns.required, name) && !in(columns.optional, name)) {
      std::string known;
      for (auto c : columns.required) known += (known.empty() ? "" : ", ") + std::string(c);
      for (auto c : columns.optional) known += ", " + std::string(c);
      return fail(ErrorCode::invalid_argument, "line 1: unknown column \"" + name.substr(0, 64) +
                                                   "\" for " + std::string(to_string(kind)) +
                                                   " (columns: " + known + ")");
    }
    if (!seen.insert(name).second)
      return fail(ErrorCode::invalid_argument, "line 1: column \"" + name + "\" appears twice");
  }
  for (auto required : columns.required) {
    if (!seen.contains(std::string(required))) {
      return fail(ErrorCode::invalid_argument, "line 1: the column \"" + std::string(required) +
                                                   "\" is required for " +
                                                   std::string(to_string(kind)));
    }
  }
  return {};
}

json csv_object(Kind kind, const std::vector<std::string>& header,
                const std::vector<std::string>& fields) {
  json object = json::object();
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (!fields[i].empty()) object[header[i]] = cell(header[i], fields[i]);
  }
  if (kind == Kind::sites) nest_site(object);
  if (kind == Kind::items) nest_price(object, "price");
  if (kind == Kind::prices) nest_price(object, nullptr);
  return object;
}

void read_row(Kind kind, const json& object, std::size_t line, bool csv, const ReadOptions& options,
              Rows& out) {
  const auto now = options.now;
  auto add = [&](engine::Command command) {
    out.rows.push_back({line, std::move(command), key_of(kind, object)});
  };
  auto failed = [&](const auto& parsed) {
    if (parsed) return false;
    add_problems(parsed.error(), line, csv, out);
    return true;
  };
  switch (kind) {
    case Kind::brands: {
      auto b = ordo::json::parse_brand(object);
      if (!failed(b)) add(domain::brand::Command{domain::brand::DefineBrand{*b, now}});
      break;
    }
    case Kind::channels: {
      auto c = ordo::json::parse_channel(object);
      if (!failed(c)) add(domain::channel::Command{domain::channel::DefineChannel{*c, now}});
      break;
    }
    case Kind::sites:
      read_site(object, line, csv, options, out);
      break;
    case Kind::items: {
      auto i = ordo::json::parse_item(object);
      if (!failed(i)) {
        add(domain::catalog::Command{
            domain::catalog::DefineItem{*i, now, object.contains("prices")}});
      }
      break;
    }
    case Kind::prices: {
      auto p = ordo::json::parse_price_row(object);
      if (!failed(p)) {
        add(domain::catalog::Command{
            domain::catalog::SetChannelPrice{p->sku, {p->channel, p->price}, now}});
      }
      break;
    }
    case Kind::stock: {
      auto c =
          ordo::json::parse_count_row(object, options.source.empty() ? "import" : options.source);
      if (!failed(c)) {
        add(engine::StockCommand{c->site, c->sku,
                                 domain::stock::CountStock{c->counted, c->source, now, 0}});
      }
      break;
    }
    case Kind::receipts: {
      auto r = ordo::json::parse_receipt_row(object);
      if (!failed(r)) {
        add(engine::StockCommand{
            r->site, r->sku,
            domain::stock::ExpectReceipt{r->receipt_id, r->quantity, r->expected_at, now}});
      }
      break;
    }
  }
}

}  // namespace ordo::bulk
