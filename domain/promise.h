// The delivery promise: every delivery option a checkout may offer for a cart and a destination,
// each with a precise date computed from carrier and site calendars, preparation capacity and
// stock, and (with explain) every option that cannot be offered and why.
//
// Configured by the `promise` area (Config). The engine is compiled once per configuration and
// site network (Network: sites indexed, calendars as day masks) so that a promise is a few array
// walks; the caller passes the time, the cart, the destination, the stock per cart line and the
// preparations already taken per site and day. Pure: the same inputs give the same options.
//
// Dates: preparation and carrier pickup follow the site's own time zone, delivery the
// destination's (by country). A "day" below is a civil date; transit counts the carrier's
// delivery days (its weekdays, less public holidays at the destination and its closed dates).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/calendar.h"
#include "domain/geo.h"
#include "domain/inventory_views.h"
#include "domain/order.h"

namespace ordo::domain::promise {

using order::DeliveryMethod;

/// Days of the week as a bit set, bit 0 = Monday ... bit 6 = Sunday.
using Weekdays = std::uint8_t;
inline constexpr Weekdays kMondayToFriday = 0b0011111;
inline constexpr Weekdays kMondayToSaturday = 0b0111111;

/// A destination zone: postcodes of one country by prefix or region (none: the whole country).
struct Zone {
  std::string name;
  std::string country;
  std::vector<std::string> postcode_prefixes;
  std::vector<std::string> regions;
  friend bool operator==(const Zone&, const Zone&) = default;
};

/// Transit in delivery days, for a destination zone ("" any) up to a distance (0: any).
struct TransitBand {
  std::string zone;
  std::int32_t max_km = 0;
  std::int32_t days = 1;
  friend bool operator==(const TransitBand&, const TransitBand&) = default;
};

/// A delivery time window in the destination's local time (0 and 0: the whole day).
struct Window {
  std::uint16_t from_minute = 0;
  std::uint16_t to_minute = 0;
  friend bool operator==(const Window&, const Window&) = default;
};

/// A carrier's own round at some sites: its pickup days and cut-off there (e.g. the van passes
/// the stores at 15:00 on weekdays, the warehouses at 19:00 Monday to Saturday).
struct SitePickup {
  SiteSelector sites;
  Weekdays days = kMondayToFriday;
  std::uint16_t cutoff_minute = 17 * 60;  // site local time
  friend bool operator==(const SitePickup&, const SitePickup&) = default;
};

/// One carrier service, e.g. Colissimo home delivery, Chronopost before 13:00, a relay network.
struct Service {
  std::string id;       // unique, e.g. "colissimo-home"
  std::string carrier;  // e.g. "colissimo"
  DeliveryMethod method = DeliveryMethod::home_standard;
  std::vector<std::string> channels;             // empty: every channel
  std::vector<std::string> countries;            // destination countries; empty: any
  std::vector<std::string> origin_countries;     // ship-from countries; empty: the destination's
  std::vector<TransitBand> transit;              // the first band matching gives the days
  Weekdays pickup_days = kMondayToFriday;        // the carrier collects from sites
  std::uint16_t pickup_cutoff_minute = 17 * 60;  // site local time: ready later leaves next pickup
  Weekdays delivery_days = kMondayToFriday;
  Window window;
  std::int64_t max_weight_g = 0;    // per shipment; 0: no limit
  std::int64_t max_volume_cm3 = 0;  // 0: no limit
  std::int64_t price_minor = 0;     // per shipment
  std::int64_t price_per_kg_minor = 0;
  std::int64_t free_above_minor = 0;  // cart value from which the customer pays nothing; 0: never
  std::int32_t carbon_g_per_tonne_km = 0;    // mode factor (road van ~ 500, air ~ 1,500)
  std::int32_t carbon_g_per_parcel = 0;      // last mile and handling
  std::vector<calendar::Date> closed_dates;  // the carrier's own closures (strike, inventory)
  std::int32_t max_days = 0;  // offered only if delivered within this many days; 0: horizon
  std::vector<SitePickup> site_pickups;  // the first matching a site replaces pickup_days and
                                         // pickup_cutoff_minute there
  friend bool operator==(const Service&, const Service&) = default;
};

/// Preparation at the sites a rule selects (the first rule matching a site applies).
struct SitePreparation {
  std::string name;
  SiteSelector sites;
  std::int32_t preparation_minutes = 120;
  std::uint16_t cutoff_minute = 16 * 60;     // site local time: later orders are prepared next day
  std::int32_t daily_capacity = -1;          // -1: the site's own daily capacity
  std::vector<calendar::Date> closed_dates;  // exceptional closures (inventory, works)
  friend bool operator==(const SitePreparation&, const SitePreparation&) = default;
};

/// Click and collect: the cart prepared at a store near the customer that has it.
struct Collect {
  bool enabled = true;
  std::vector<std::string> channels;  // empty: every channel
  std::int32_t max_distance_km = 30;
  std::int32_t preparation_minutes = 120;
  std::int32_t max_stores = 3;  // options offered, nearest ready first
  std::int32_t max_days = 0;    // 0: horizon
  std::int64_t price_minor = 0;
  /// Category prefixes never collected in store ("furniture/"), whatever the item says.
  std::vector<std::string> excluded_categories;
  friend bool operator==(const Collect&, const Collect&) = default;
};

/// Whether an item may be collected in store: its own eligibility, and no excluded category.
bool collectable(const Collect& collect, bool item_eligible, std::string_view category);

struct Config {
  std::vector<Zone> zones;
  std::vector<Service> services;
  std::vector<SitePreparation> preparation;  // sites matching none: the defaults of SitePreparation
  Collect collect;
  std::int32_t ship_to_store_max_km = 30;  // ship to store: stores this near the customer
  std::int32_t horizon_days = 30;          // no promise further than this
  std::string currency = "EUR";
  std::int32_t pickup_point_max_km =
      15;  // pickup point: the nearest relay this near, if none chosen
  friend bool operator==(const Config&, const Config&) = default;
};

/// Every problem of `config`, each with its JSON pointer (empty when valid).
std::vector<ConfigError> validate(const Config& config);

/// The area's value before it is configured: no services, so only click and collect.
const Config& default_config();

/// A site as the promise sees it.
struct SiteInput {
  std::string site_id;
  const site::Profile* profile = nullptr;  // not owned; must outlive the Network
};

/// The configuration compiled against the site network and the holiday calendars. Immutable;
/// share it between threads.
class Network {
 public:
  /// Sites with an unknown time zone are left out (they cannot promise). `first_day` is the first
  /// civil date calendars are compiled for; promises are computed within 2 years of it.
  static std::shared_ptr<const Network> compile(const Config& config,
                                                std::span<const SiteInput> sites,
                                                const calendar::Holidays& holidays,
                                                calendar::Date first_day);

  const Config& config() const { return config_; }
  std::size_t size() const;
  /// The index of a site, or -1.
  std::int32_t index_of(std::string_view site_id) const;
  const std::string& site_id(std::size_t index) const;

  struct Site;
  struct CompiledService;
  struct Mask;
  struct Clock;
  const std::vector<Site>& sites() const { return sites_; }
  const std::vector<CompiledService>& services() const { return services_; }
  const std::vector<Clock>& clocks() const { return clocks_; }
  /// The clock of a time zone (sites' and destinations'), or -1.
  std::int32_t clock_of(std::string_view zone_name) const;
  std::int64_t first_day() const { return first_day_; }
  std::int64_t last_day() const { return first_day_ + kDays - 1; }
  static constexpr std::int64_t kDays = 2 * 366 + 31;

  /// Public holidays at a place (one byte per day from first_day(); 1: holiday).
  const std::vector<std::uint8_t>& holidays_of(std::string_view country,
                                               std::string_view region) const;

  ~Network();

 private:
  Network() = default;
  struct Interner;  // shares identical day masks
  void compile_holidays(const calendar::Holidays& holidays);
  std::uint32_t clock_for(const calendar::TimeZone& zone);
  void compile_sites(std::span<const SiteInput> sites, Interner& masks);
  void compile_services(Interner& masks);
  Config config_;
  std::map<std::string, std::vector<std::uint8_t>, std::less<>>
      holidays_;  // "<country>:<region>", "<country>:*"
  std::vector<std::uint8_t> no_holidays_;
  std::int64_t first_day_ = 0;
  std::vector<Site> sites_;
  std::vector<CompiledService> services_;
  std::vector<std::unique_ptr<Mask>> masks_;
  std::vector<Clock> clocks_;
  std::vector<std::pair<std::string, std::int32_t>> index_;  // sorted by id
};

/// One distinct SKU of the cart and where it can come from.
struct SiteSupply {
  std::uint32_t site = 0;                                  // Network index
  std::int64_t now = 0;                                    // units sellable to the channel now
  std::vector<std::pair<Instant, std::int64_t>> receipts;  // expected (at, units), any order
};
struct LineSupply {
  std::string sku;
  std::int64_t quantity = 0;          // summed over the cart's lines of this SKU
  std::span<const SiteSupply> sites;  // not owned; must outlive the call
};

struct Destination {
  std::string country;
  std::string postcode;
  std::string region;               // as in the holiday calendars; "" unknown
  std::optional<geo::Point> point;  // the postcode's centroid
};

struct Request {
  std::string channel;
  Destination destination;
  std::vector<LineSupply> lines;
  std::int64_t weight_g = 0;  // the whole cart
  std::int64_t volume_cm3 = 0;
  std::int64_t value_minor = 0;  // the cart's value, for free-shipping thresholds
  std::string not_collectable;   // a SKU of the cart the catalog keeps from click and collect
  std::string pickup_point;      // the relay the customer chose; "": the nearest
  Instant at = 0;
  bool explain = false;
};

/// Preparations already promised or allocated at a site on a day of its own calendar.
using LoadLookup = std::function<std::int64_t(std::uint32_t site, std::int64_t local_day)>;

/// Why an option is later than it could be, or not offered at all.
enum class Cause : std::uint8_t {
  past_cutoff,     // ordered after the site's preparation or the carrier's pickup cut-off
  site_closed,     // a closing day, public holiday or exceptional closure of the site
  carrier_closed,  // no pickup or delivery that day (weekday, holiday, closure)
  capacity_full,   // the site's preparations are taken for the day
  awaiting_stock,  // the cart waits for an expected receipt
  no_stock,        // no site can supply the whole cart within the horizon
  over_weight,
  over_volume,
  not_served,       // no transit band for the destination (zone or distance)
  no_store_nearby,  // click and collect or ship to store: no store close enough
  too_late,         // only later than the service's maximum days
  not_collectable,  // an item of the cart may not be collected in store (catalog)
};
std::string_view to_string(Cause cause);

struct Option {
  std::string id;  // "<service>@<site>" or "collect@<site>"
  DeliveryMethod method = DeliveryMethod::home_standard;
  std::string carrier;              // "" for click and collect
  std::string service;              // service id, or "collect"
  calendar::Date date;              // delivery (or collection) date, destination local
  Window window;                    // 0/0: the whole day (collect: from `ready_at` to closing)
  Instant earliest_at = 0;          // start of the window (collect: ready)
  Instant promised_at = 0;          // end of the window: the promise kept if delivered by then
  Instant order_by = 0;             // order before this to keep this date (0: no cut-off involved)
  std::string ship_from;            // site preparing the cart
  std::string collect_at;           // click and collect, ship to store: the store; pickup: relay
  calendar::Date ship_date;         // pickup by the carrier (collect: preparation day)
  std::int64_t local_prep_day = 0;  // the preparing site's day consumed (days since epoch)
  std::int64_t price_minor = 0;
  std::int64_t carbon_g = 0;
  std::int32_t distance_km = 0;
  std::vector<Cause> delays;  // what made the date later than the fastest case
};

struct Infeasible {
  std::string service;  // service id or "collect"
  std::string carrier;
  DeliveryMethod method = DeliveryMethod::home_standard;
  Cause cause = Cause::no_stock;
  std::string detail;
};

struct Result {
  std::vector<Option> options;         // earliest first, then cheapest
  std::vector<Infeasible> infeasible;  // with explain only
};

/// Every feasible option for the request. Sites are considered only within the Network's days.
Result compute(const Network& network, const Request& request, const LoadLookup& load);

/// A pickup point near a place: the relay shops a checkout lists for the customer to choose.
struct NearbyRelay {
  std::string site_id;
  site::Profile profile;
  std::int32_t distance_km = 0;
};
/// The open relays within `max_km` of `place`, nearest first (then by id), at most `limit`.
std::vector<NearbyRelay> relays_near(const Network& network, geo::Point place, std::int32_t max_km,
                                     std::size_t limit);

/// The service id and site of an option id ("<service>@<site>"), or nullopt.
std::optional<std::pair<std::string, std::string>> parse_option_id(std::string_view id);

/// The time zone deliveries to `country` are promised in (its capital's); nullopt if unknown.
std::optional<calendar::TimeZone> destination_zone(std::string_view country);

}  // namespace ordo::domain::promise
