#include "app/demo_data.h"

#include <charconv>
#include <fstream>
#include <random>

#include "base/csv.h"

namespace ordo::demo {
namespace {

namespace site = domain::site;
using engine::Submission;

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

// Metropolitan French sites with coordinates (the demo's time zone is Europe/Paris).
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

site::Profile profile_of(const SiteRow& row, site::SiteType type, std::int64_t capacity) {
  site::Profile p;
  p.name = row.name;
  p.type = type;
  p.country = "FR";
  p.region = region_of(row.postcode);
  p.postcode = row.postcode;
  p.latitude = row.latitude;
  p.longitude = row.longitude;
  p.time_zone = "Europe/Paris";
  p.capabilities = {type != site::SiteType::pickup_point, type == site::SiteType::store,
                    type == site::SiteType::store};
  const bool warehouse = type == site::SiteType::warehouse;
  for (std::size_t day = 0; day < 7; ++day) {
    const bool sunday = day == 6;
    p.opening_hours[day] =
        sunday && !warehouse
            ? site::DayHours{0, 0}
            : site::DayHours{static_cast<std::uint16_t>(warehouse ? 360 : 540), 1140};
  }
  p.daily_capacity = capacity;
  return p;
}

Submission submission(engine::Command command, std::string key, domain::Instant) {
  Submission s;
  s.command = std::move(command);
  s.idempotency_key = std::move(key);
  s.actor = {eventstore::ActorKind::integration, "ordo demo-data"};
  return s;
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

domain::catalog::Item item_of(std::size_t n) {
  const auto& c = kCategories[n % std::size(kCategories)];
  const char* brand = kBrands[(n / std::size(kCategories)) % std::size(kBrands)];
  return {sku_of(n),
          std::string(brand) + " " + c.noun + " #" + std::to_string(n),
          c.path,
          brand_id(brand),
          c.weight_g,
          c.weight_g * 3,
          domain::Money{c.price_minor + static_cast<std::int64_t>(n % 7) * 100, "EUR"},
          false,
          true,
          {}};
}

// The brands, then the channels (which name inventory views, so after them).
void add_brands_and_channels(domain::Instant now, std::vector<Submission>& out) {
  for (const char* name : kBrands) {
    out.push_back(
        submission(domain::brand::Command{domain::brand::DefineBrand{{brand_id(name), name}, now}},
                   "demo/brand/" + brand_id(name), now));
  }
  using M = domain::order::DeliveryMethod;
  const domain::channel::Channel channels[] = {
      {"web",
       "Web shop France",
       {"FR"},
       "EUR",
       "",
       "",
       {M::home_standard, M::home_express, M::pickup_point, M::click_and_collect, M::ship_to_store},
       domain::channel::AddressPolicy::warn,
       0},
      {"marketplace",
       "Marketplace France",
       {"FR"},
       "EUR",
       "",
       "",
       {M::home_standard, M::home_express},
       domain::channel::AddressPolicy::warn,
       0},
      {"stores",
       "Stores' endless aisle",
       {"FR"},
       "EUR",
       "",
       "",
       {M::home_standard, M::click_and_collect, M::ship_to_store},
       domain::channel::AddressPolicy::warn,
       0}};
  for (const auto& c : channels) {
    out.push_back(submission(domain::channel::Command{domain::channel::DefineChannel{c, now}},
                             "demo/channel/" + c.channel_id, now));
  }
}

}  // namespace

domain::InventoryViews demo_inventory_views() {
  using T = site::SiteType;
  domain::InventoryViews views;
  views.channels.push_back({"web",
                            {{}, {T::store, T::warehouse}, {"FR"}, {}},
                            100,
                            {{{{}, {T::store}, {}, {}}, "", 1}},
                            14,
                            0});
  views.channels.push_back(
      {"marketplace", {{}, {T::warehouse}, {}, {}}, 80, {{{}, "shoes/", 2}}, 0, 3});
  views.channels.push_back({"stores", {{}, {T::store}, {}, {}}, 100, {}, 0, 0});
  views.exclusions.push_back({"marketplace-dedicated",
                              {{}, {T::warehouse}, {}, {}},
                              {},
                              "accessories/",
                              5,
                              {"marketplace"}});
  return views;
}

// Initial stock of every SKU at the warehouses (some out of stock) and at a tenth of the stores,
// and a supplier delivery due at the first warehouse for every twentieth SKU.
void add_stock(const DemoOptions& o, const std::vector<std::string>& warehouse_ids,
               const std::vector<std::string>& store_ids, std::vector<Submission>& out) {
  std::mt19937 random(o.seed);
  auto receive = [&](const std::string& site_id, const std::string& sku, std::int64_t quantity) {
    out.push_back(submission(
        engine::StockCommand{site_id, sku,
                             domain::stock::ReceiveStock{quantity, "initial stock", o.now}},
        "demo/stock/" + site_id + "/" + sku, o.now));
  };
  for (std::size_t n = 1; n <= o.skus; ++n) {
    const auto sku = sku_of(n);
    for (const auto& w : warehouse_ids) {
      const auto quantity = std::uniform_int_distribution<std::int64_t>(0, 150)(random);
      if (quantity > 0) receive(w, sku, quantity);
    }
    for (const auto& s : store_ids) {
      if (std::uniform_int_distribution(0, 9)(random) == 0) {
        receive(s, sku, std::uniform_int_distribution<std::int64_t>(1, 8)(random));
      }
    }
    if (n % 20 == 0) {
      const domain::Instant due =
          o.now +
          std::uniform_int_distribution<std::int64_t>(3, 20)(random) * domain::kMicrosPerDay;
      out.push_back(submission(
          engine::StockCommand{warehouse_ids.front(), sku,
                               domain::stock::ExpectReceipt{"PO-" + sku, 60, due, o.now}},
          "demo/receipt/" + sku, o.now));
    }
  }
}

Result<std::vector<Submission>> build_retailer(const DemoOptions& o) {
  auto rows = read_sites(o.sites_file);
  if (!rows) return std::unexpected(rows.error());
  std::vector<const SiteRow*> offices, relays, warehouses;
  for (const auto& row : *rows) {
    if (row.kind == "Bureau de Poste") offices.push_back(&row);
    if (row.kind.starts_with("Relais poste")) relays.push_back(&row);
  }
  for (const char* department : {"69", "45"}) {  // Lyon and Orléans: logistics hubs
    auto it = std::find_if(offices.begin(), offices.end(),
                           [&](const SiteRow* r) { return r->postcode.starts_with(department); });
    if (it != offices.end()) warehouses.push_back(*it);
  }
  if (offices.size() < o.stores || warehouses.size() < 2) {
    return fail(ErrorCode::invalid_argument, "the sites file has too few French post offices");
  }
  std::vector<Submission> out;
  out.push_back(
      submission(domain::configuration::Command{domain::configuration::ChangeConfiguration{
                     demo_inventory_views(), "demo", "initial inventory views", o.now}},
                 "demo/config/inventory_views", o.now));
  {
    std::vector<Submission> master;
    add_brands_and_channels(o.now, master);
    for (auto& s : master) out.push_back(std::move(s));
  }
  std::vector<std::string> store_ids, warehouse_ids;
  auto add_site = [&](const SiteRow& row, site::SiteType type, std::int64_t capacity,
                      std::vector<std::string>* ids) {
    const std::string id = std::string(type == site::SiteType::warehouse ? "WH-" : "FR-") + row.id;
    out.push_back(
        submission(site::Command{site::RegisterSite{id, profile_of(row, type, capacity), o.now}},
                   "demo/site/" + id, o.now));
    if (ids != nullptr) ids->push_back(id);
  };
  for (const auto* w : warehouses) add_site(*w, site::SiteType::warehouse, 20000, &warehouse_ids);
  const std::size_t step = offices.size() / o.stores;
  for (std::size_t i = 0; i < o.stores; ++i)
    add_site(*offices[i * step], site::SiteType::store, 60, &store_ids);
  const std::size_t relay_step =
      std::max<std::size_t>(1, relays.size() / std::max<std::size_t>(1, o.pickup_points));
  for (std::size_t i = 0; i < o.pickup_points && i * relay_step < relays.size(); ++i) {
    add_site(*relays[i * relay_step], site::SiteType::pickup_point, 0, nullptr);
  }
  for (std::size_t n = 1; n <= o.skus; ++n) {
    out.push_back(
        submission(domain::catalog::Command{domain::catalog::DefineItem{item_of(n), o.now}},
                   "demo/item/" + sku_of(n), o.now));
  }
  add_stock(o, warehouse_ids, store_ids, out);
  return out;
}

std::vector<Submission> demo_orders(const DemoOptions& o, std::size_t count, std::size_t first) {
  std::vector<Submission> out;
  static constexpr const char* kChannels[] = {"web", "web", "web", "marketplace", "stores"};
  static constexpr const char* kCities[][3] = {{"Paris", "75011", "Léa Martin"},
                                               {"Lyon", "69003", "Hugo Bernard"},
                                               {"Strasbourg", "67000", "Chloé Schmitt"},
                                               {"Bordeaux", "33000", "Louis Dubois"}};
  for (std::size_t n = first; n < first + count; ++n) {
    std::mt19937 random(static_cast<std::uint32_t>(o.seed * 1'000'003u + n));
    domain::order::PlaceOrder p;
    p.order_id = "DEMO-" + std::to_string(n);
    p.channel = kChannels[n % std::size(kChannels)];
    const auto& city = kCities[n % std::size(kCities)];
    p.customer_id = "C" + std::to_string(1000 + n % 300);
    p.email = "customer" + std::to_string(1000 + n % 300) + "@example.com";
    p.delivery = {
        city[2], std::to_string(1 + n % 90) + " rue de la République", "", city[1], city[0], "FR",
        ""};
    p.billing = p.delivery;
    p.method = domain::order::DeliveryMethod::home_standard;
    p.currency = "EUR";
    p.at = o.now;
    const auto lines = std::uniform_int_distribution<std::uint32_t>(1, 3)(random);
    for (std::uint32_t l = 1; l <= lines; ++l) {
      const auto sku_number = std::uniform_int_distribution<std::size_t>(1, o.skus)(random);
      const auto item = item_of(sku_number);
      p.lines.push_back({l, item.sku, 1, item.price.minor});
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
