#include "app/demo_data.h"

#include <charconv>
#include <cmath>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "base/csv.h"

namespace ordo::demo {
namespace {

using engine::Submission;
using nlohmann::json;

struct SiteRow {
  std::string id;
  std::string name;
  std::string kind;  // "Bureau de Poste", "Relais poste commerçant", ...
  std::string postcode;
  std::string city;
  double latitude = 0;
  double longitude = 0;
};

bool parse_double(const std::string& text, double& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Metropolitan French sites with coordinates.
Result<std::vector<SiteRow>> read_sites(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::not_found, "cannot read the sites file " + path.string());
  std::vector<SiteRow> rows;
  std::string line;
  std::getline(in, line);  // header
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    const auto f = split_fields(line, ';');
    if (f.size() < 13) {
      return fail(ErrorCode::invalid_argument, path.string() + ":" + std::to_string(number) +
                                                   ": expected 13 or more ';'-separated fields");
    }
    SiteRow row{f[0], f[1], f[2], f[7], f[8]};
    if (row.postcode.size() != 5 || row.postcode.starts_with("97") ||
        row.postcode.starts_with("98") || !parse_double(f[11], row.latitude) ||
        !parse_double(f[12], row.longitude)) {
      continue;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string region_of(const std::string& postcode) {
  if (postcode.starts_with("20")) return postcode < "20200" ? "2A" : "2B";  // Corsica
  return postcode.substr(0, 2);
}

// A CSV cell: quoted when it holds a comma, a quote or a line break.
std::string cell(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string row(std::initializer_list<std::string> cells) {
  std::string out;
  for (const auto& c : cells) out += (out.empty() ? "" : ",") + cell(c);
  return out + "\n";
}

// "2026-12-07T09:30:00Z"
std::string utc_time(domain::Instant at) {
  const std::time_t seconds = at / 1'000'000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

struct Category {
  const char* path;
  const char* noun;
  std::int64_t weight_g;
  std::int64_t price_minor;
};
constexpr Category kCategories[] = {
    {"shoes/running", "running shoe", 650, 11900}, {"shoes/city", "city shoe", 800, 9900},
    {"apparel/tshirts", "t-shirt", 180, 1990},     {"apparel/jackets", "jacket", 900, 12900},
    {"accessories/bags", "backpack", 700, 5900},   {"accessories/caps", "cap", 120, 2490}};
constexpr const char* kBrands[] = {"Kalenji", "Salomon", "Asics", "Veja", "Patagonia", "Eastpak"};

// UK stores at real postcode districts (the gazetteer places them at the district's centroid).
constexpr const char* kUkStores[][2] = {
    {"SW1A", "London Westminster"},  {"M1", "Manchester Piccadilly"},
    {"B1", "Birmingham Colmore"},    {"LS1", "Leeds Briggate"},
    {"G1", "Glasgow Buchanan"},      {"EH1", "Edinburgh Royal Mile"},
    {"BS1", "Bristol Broadmead"},    {"L1", "Liverpool One"},
    {"NE1", "Newcastle Grainger"},   {"CF10", "Cardiff Queen St"},
    {"S1", "Sheffield Fargate"},     {"NG1", "Nottingham Market"},
    {"LE1", "Leicester High St"},    {"BT1", "Belfast Donegall"},
    {"OX1", "Oxford Cornmarket"},    {"CB2", "Cambridge Market"},
    {"BN1", "Brighton North Laine"}, {"YO1", "York Stonegate"},
    {"EC2V", "London Cheapside"},    {"W1D", "London Soho"}};
constexpr double kEurToGbp = 0.87058;  // ECB reference rate of 2026-04-13 (../shared/data/fx)

std::string sku_of(std::size_t n) {
  char text[16];
  std::snprintf(text, sizeof text, "SKU-%05zu", n);
  return text;
}

// "Eastpak" -> "eastpak": the brand's id.
std::string brand_id(std::string_view name) {
  std::string id(name);
  for (auto& ch : id) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return id;
}

std::int64_t eur_price(std::size_t n) {
  return kCategories[n % std::size(kCategories)].price_minor +
         static_cast<std::int64_t>(n % 7) * 100;
}

// The UK price: converted at the reference rate, then ending in .99 like a shop's.
std::int64_t gbp_price(std::size_t n) {
  return static_cast<std::int64_t>(
             std::floor(static_cast<double>(eur_price(n)) * kEurToGbp / 100)) *
             100 +
         99;
}

std::string uk_store_id(std::size_t i) { return std::string("GB-") + kUkStores[i][0]; }
constexpr const char* kGermanWarehouse = "DE-WH-HERSFELD";

// The channels' inventory views, as PUT /v1/config/inventory_views takes them. The UK web shop
// sells the UK stores' stock and the French warehouses'; the German one the German warehouse's
// and the French warehouses'.
std::string inventory_views(const std::vector<std::string>& warehouses, std::size_t uk_stores) {
  json uk_sites = json::array();
  for (std::size_t i = 0; i < uk_stores; ++i) uk_sites.push_back(uk_store_id(i));
  for (const auto& w : warehouses) uk_sites.push_back(w);
  const json document = {
      {"channels",
       {{{"channel", "web"},
         {"sites", {{"types", {"store", "warehouse"}}, {"countries", {"FR"}}}},
         {"safety_stock", {{{"sites", {{"types", {"store"}}}}, {"quantity", 1}}}},
         {"future_horizon_days", 14}},
        {{"channel", "marketplace"},
         {"sites", {{"types", {"warehouse"}}, {"countries", {"FR"}}}},
         {"share_percent", 80},
         {"safety_stock", {{{"category_prefix", "shoes/"}, {"quantity", 2}}}},
         {"minimum_display", 3}},
        {{"channel", "stores"}, {"sites", {{"types", {"store"}}, {"countries", {"FR"}}}}},
        {{"channel", "web-uk"}, {"sites", {{"site_ids", uk_sites}}}, {"future_horizon_days", 14}},
        {{"channel", "web-de"},
         {"sites", {{"types", {"warehouse"}}, {"countries", {"DE", "FR"}}}}}}},
      {"exclusions",
       {{{"name", "marketplace-dedicated"},
         {"sites", {{"types", {"warehouse"}}}},
         {"category_prefix", "accessories/"},
         {"quantity", 5},
         {"for_channels", {"marketplace"}}}}}};
  return json{{"author", "ordo demo-data"},
              {"reason", "the demo retailer's channels: France, the UK and Germany"},
              {"document", document}}
             .dump(2) +
         "\n";
}

std::string brands_csv() {
  std::string out = "brand_id,name\n";
  for (const char* name : kBrands) out += row({brand_id(name), name});
  return out;
}

std::string channels_csv() {
  return "channel_id,name,countries,currency,delivery_methods,address_policy\n"
         "web,Web shop France,FR,EUR,home_standard|home_express|pickup_point|click_and_collect|"
         "ship_to_store,warn\n"
         "marketplace,Marketplace France,FR,EUR,home_standard|home_express,warn\n"
         "stores,Stores' endless aisle,FR,EUR,home_standard|click_and_collect|ship_to_store,warn\n"
         "web-uk,Web shop UK,GB,GBP,home_standard|home_express|click_and_collect,warn\n"
         "web-de,Webshop Deutschland,DE|AT,EUR,home_standard|home_express,warn\n";
}

constexpr const char* kSiteHeader =
    "site_id,name,type,country,region,postcode,latitude,longitude,time_zone,ship_from_store,"
    "click_and_collect,returns,ship_to_store,mon,tue,wed,thu,fri,sat,sun,daily_capacity\n";

std::string french_site(const std::string& id, const SiteRow& r, std::string_view type,
                        std::int64_t capacity) {
  const bool warehouse = type == "warehouse", store = type == "store";
  const std::string day = warehouse ? "06:00-19:00" : "09:00-19:00";
  char latitude[32], longitude[32];
  std::snprintf(latitude, sizeof latitude, "%.6f", r.latitude);
  std::snprintf(longitude, sizeof longitude, "%.6f", r.longitude);
  return row({id,
              r.name,
              std::string(type),
              "FR",
              region_of(r.postcode),
              r.postcode,
              latitude,
              longitude,
              "Europe/Paris",
              type == "pickup_point" ? "false" : "true",
              store ? "true" : "false",
              store ? "true" : "false",
              "false",
              day,
              day,
              day,
              day,
              day,
              day,
              warehouse ? day : "closed",
              std::to_string(capacity)});
}

// UK stores (Sunday trading hours) and the German warehouse, without coordinates: the import
// places them at their postcode.
std::string foreign_sites(std::size_t uk_stores) {
  std::string out;
  for (std::size_t i = 0; i < uk_stores; ++i) {
    const std::string day = "09:00-20:00";
    out += row({uk_store_id(i),
                kUkStores[i][1],
                "store",
                "GB",
                "",
                kUkStores[i][0],
                "",
                "",
                "Europe/London",
                "true",
                "true",
                "true",
                "false",
                day,
                day,
                day,
                day,
                day,
                day,
                "11:00-17:00",
                "60"});
  }
  const std::string day = "06:00-22:00";
  out += row({kGermanWarehouse,
              "Logistikzentrum Bad Hersfeld",
              "warehouse",
              "DE",
              "",
              "36251",
              "",
              "",
              "Europe/Berlin",
              "true",
              "false",
              "false",
              "false",
              day,
              day,
              day,
              day,
              day,
              "06:00-14:00",
              "closed",
              "20000"});
  return out;
}

std::string items_csv(std::size_t skus) {
  std::string out = "sku,name,category,brand,weight_g,volume_cm3,price_minor,currency\n";
  for (std::size_t n = 1; n <= skus; ++n) {
    const auto& c = kCategories[n % std::size(kCategories)];
    const char* brand = kBrands[(n / std::size(kCategories)) % std::size(kBrands)];
    out += row({sku_of(n), std::string(brand) + " " + c.noun + " #" + std::to_string(n), c.path,
                brand_id(brand), std::to_string(c.weight_g), std::to_string(c.weight_g * 3),
                std::to_string(eur_price(n)), "EUR"});
  }
  return out;
}

std::string prices_csv(std::size_t skus) {
  std::string out = "sku,channel,price_minor,currency\n";
  for (std::size_t n = 1; n <= skus; ++n)
    out += row({sku_of(n), "web-uk", std::to_string(gbp_price(n)), "GBP"});
  return out;
}

// Stock counts of every SKU at the warehouses (some out of stock) and at a tenth of the French
// stores, and a supplier delivery due at the first warehouse for every twentieth SKU; then the
// UK stores (a fifth of the SKUs each) and the German warehouse, from a stream of their own.
void write_stock(const DemoOptions& o, const std::vector<std::string>& warehouses,
                 const std::vector<std::string>& stores, std::string& stock,
                 std::string& receipts) {
  stock = "site,sku,counted,source\n";
  receipts = "site,sku,receipt_id,quantity,expected_at\n";
  std::mt19937 random(o.seed);
  for (std::size_t n = 1; n <= o.skus; ++n) {
    const auto sku = sku_of(n);
    for (const auto& w : warehouses) {
      const auto quantity = std::uniform_int_distribution<std::int64_t>(0, 150)(random);
      if (quantity > 0) stock += row({w, sku, std::to_string(quantity), "wms"});
    }
    for (const auto& s : stores) {
      if (std::uniform_int_distribution(0, 9)(random) == 0) {
        const auto quantity = std::uniform_int_distribution<std::int64_t>(1, 8)(random);
        stock += row({s, sku, std::to_string(quantity), "pos"});
      }
    }
    if (n % 20 == 0) {
      const auto days = std::uniform_int_distribution<std::int64_t>(3, 20)(random);
      receipts += row({warehouses.front(), sku, "PO-" + sku, "60",
                       utc_time(o.now + days * domain::kMicrosPerDay)});
    }
  }
  std::mt19937 abroad(o.seed + 1);
  for (std::size_t n = 1; n <= o.skus; ++n) {
    const auto sku = sku_of(n);
    for (std::size_t i = 0; i < std::min(o.uk_stores, std::size(kUkStores)); ++i) {
      if (std::uniform_int_distribution(0, 4)(abroad) == 0) {
        const auto quantity = std::uniform_int_distribution<std::int64_t>(1, 8)(abroad);
        stock += row({uk_store_id(i), sku, std::to_string(quantity), "pos"});
      }
    }
    const auto quantity = std::uniform_int_distribution<std::int64_t>(0, 120)(abroad);
    if (quantity > 0) stock += row({kGermanWarehouse, sku, std::to_string(quantity), "wms"});
  }
}

}  // namespace

Result<std::vector<File>> retailer_files(const DemoOptions& o) {
  auto rows = read_sites(o.sites_file);
  if (!rows) return std::unexpected(rows.error());
  std::vector<const SiteRow*> offices, relays, hubs;
  for (const auto& r : *rows) {
    if (r.kind == "Bureau de Poste") offices.push_back(&r);
    if (r.kind.starts_with("Relais poste")) relays.push_back(&r);
  }
  for (const char* department : {"69", "45"}) {  // Lyon and Orléans: logistics hubs
    auto it = std::find_if(offices.begin(), offices.end(),
                           [&](const SiteRow* r) { return r->postcode.starts_with(department); });
    if (it != offices.end()) hubs.push_back(*it);
  }
  if (offices.size() < o.stores || hubs.size() < 2)
    return fail(ErrorCode::invalid_argument, "the sites file has too few French post offices");
  const std::size_t uk_stores = std::min(o.uk_stores, std::size(kUkStores));
  std::vector<std::string> warehouses, stores;
  std::string sites = kSiteHeader;
  for (const auto* w : hubs) {
    warehouses.push_back("WH-" + w->id);
    sites += french_site(warehouses.back(), *w, "warehouse", 20000);
  }
  const std::size_t step = offices.size() / std::max<std::size_t>(1, o.stores);
  for (std::size_t i = 0; i < o.stores; ++i) {
    stores.push_back("FR-" + offices[i * step]->id);
    sites += french_site(stores.back(), *offices[i * step], "store", 60);
  }
  const std::size_t relay_step =
      std::max<std::size_t>(1, relays.size() / std::max<std::size_t>(1, o.pickup_points));
  for (std::size_t i = 0; i < o.pickup_points && i * relay_step < relays.size(); ++i)
    sites +=
        french_site("FR-" + relays[i * relay_step]->id, *relays[i * relay_step], "pickup_point", 0);
  sites += foreign_sites(uk_stores);
  std::string stock, receipts;
  write_stock(o, warehouses, stores, stock, receipts);
  return std::vector<File>{{"inventory_views.json", inventory_views(warehouses, uk_stores)},
                           {"brands.csv", brands_csv()},
                           {"channels.csv", channels_csv()},
                           {"sites.csv", std::move(sites)},
                           {"items.csv", items_csv(o.skus)},
                           {"prices.csv", prices_csv(o.skus)},
                           {"stock.csv", std::move(stock)},
                           {"receipts.csv", std::move(receipts)}};
}

std::vector<Submission> demo_orders(const DemoOptions& o, std::size_t count, std::size_t first) {
  struct Customer {
    const char* channel;
    const char* currency;
    const char* country;
    const char* city;
    const char* postcode;
    const char* name;
    const char* street;
  };
  static constexpr Customer kCustomers[] = {
      {"web", "EUR", "FR", "Paris", "75011", "Léa Martin", "rue de la République"},
      {"web", "EUR", "FR", "Lyon", "69003", "Hugo Bernard", "rue de la République"},
      {"marketplace", "EUR", "FR", "Strasbourg", "67000", "Chloé Schmitt", "rue du Dôme"},
      {"web", "EUR", "FR", "Bordeaux", "33000", "Louis Dubois", "cours de l'Intendance"},
      {"web", "EUR", "FR", "Lille", "59000", "Camille Petit", "rue Esquermoise"},
      {"web-uk", "GBP", "GB", "Manchester", "M1 1AE", "Oliver Smith", "Market Street"},
      {"web-uk", "GBP", "GB", "London", "SW1A 1AA", "Amelia Jones", "Whitehall"},
      {"web-de", "EUR", "DE", "München", "80331", "Lukas Müller", "Kaufingerstraße"}};
  std::vector<Submission> out;
  for (std::size_t n = first; n < first + count; ++n) {
    std::mt19937 random(static_cast<std::uint32_t>(o.seed * 1'000'003u + n));
    const auto& c = kCustomers[n % std::size(kCustomers)];
    domain::order::PlaceOrder p;
    p.order_id = "DEMO-" + std::to_string(n);
    p.channel = c.channel;
    p.customer_id = "C" + std::to_string(1000 + n % 300);
    p.email = "customer" + std::to_string(1000 + n % 300) + "@example.com";
    p.delivery = {
        c.name, std::to_string(1 + n % 90) + " " + c.street, "", c.postcode, c.city, c.country, ""};
    p.billing = p.delivery;
    p.method = domain::order::DeliveryMethod::home_standard;
    p.currency = c.currency;
    p.at = o.now;
    const auto lines = std::uniform_int_distribution<std::uint32_t>(1, 3)(random);
    for (std::uint32_t l = 1; l <= lines; ++l) {
      const auto sku = std::uniform_int_distribution<std::size_t>(1, o.skus)(random);
      p.lines.push_back({l, sku_of(sku), 1,
                         std::string_view(c.currency) == "GBP" ? gbp_price(sku) : eur_price(sku)});
    }
    Submission s;
    s.command = std::move(p);
    s.idempotency_key = "demo-order/" + std::to_string(o.seed) + "/" + std::to_string(n);
    s.actor = {eventstore::ActorKind::integration, "demo web shop"};
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace ordo::demo
