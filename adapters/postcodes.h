// The postcode gazetteer: where a delivery address is, from its country and postcode, for ranking
// sites by distance and for promises. Loaded from the GeoNames postal files (../shared/data/
// postcodes: FR and DE postcodes; GB outward-code centroids) at start.
//
// A postcode's point is the mean of the places that carry it (Paris 75002 has two rows). GB
// postcodes are looked up by their outward code ("SW1A 1AA" -> "SW1A"). Regions: the French
// département (province_code, e.g. "67"), the German Land (state_code, e.g. "BY"), the UK nation
// ("ENG", "SCT", "WLS", "NIR"), as in the holiday calendars.
//
// Thread-safety: load once; lookups from any thread (read-only). Errors: a missing file or a
// malformed line (invalid_argument naming the file and line); nothing is half-loaded.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/csv.h"
#include "base/result.h"
#include "domain/geo.h"

namespace ordo::adapters {

struct PostcodePlace {
  domain::geo::Point point;
  std::string region;
  std::vector<std::string> places;  // the places (communes, districts) that carry it, as written
};

/// A place name folded for comparison: lower case, accents and ligatures removed (é -> e,
/// ß -> ss, œ -> oe), hyphens, apostrophes and dots as spaces, "st"/"ste" as "saint"/"sainte",
/// a trailing CEDEX and district number dropped ("Paris Cedex 07", "Paris 02" -> "paris").
std::string fold_place_name(std::string_view name);

class Gazetteer {
 public:
  /// Loads geonames_postal_fr.csv, geonames_postal_de.csv and derived_gb_outcode_centroids.csv
  /// from `directory`.
  static Result<Gazetteer> load(const std::filesystem::path& directory);
  /// Loads one GeoNames postal file (columns country_code,zipcode,...,latitude,longitude).
  Result<void> add_geonames(const std::filesystem::path& file);
  /// Loads the GB outward-code centroids
  /// (outcode,lat_mean,lon_mean,n_places,first_place,state,...).
  Result<void> add_gb_outcodes(const std::filesystem::path& file);

  /// The place of a postcode in a country (ISO 3166-1 alpha-2; "UK" is read as "GB"); nullopt
  /// when unknown. Spaces and case in the postcode do not matter.
  std::optional<PostcodePlace> find(std::string_view country, std::string_view postcode) const;
  std::size_t size() const { return places_.size(); }
  /// The postcodes (normalized) of the places whose folded name (fold_place_name) is `folded`,
  /// in a country; empty when none. GB has no place index (its file names one place a district).
  const std::vector<std::string>& postcodes_of(std::string_view country,
                                               std::string_view folded) const;

 private:
  void index_places();
  std::unordered_map<std::string, PostcodePlace> places_;               // "<country>:<postcode>"
  std::unordered_map<std::string, std::vector<std::string>> by_place_;  // "<country>:<folded>"
};

}  // namespace ordo::adapters
