// Geography for sourcing and promises: points on the WGS84 sphere and the distance between them.
// Pure; the postcode centroids come from adapters/postcodes.h.
#pragma once

#include <algorithm>
#include <cmath>

namespace ordo::domain::geo {

struct Point {
  double latitude = 0;   // degrees, -90..90
  double longitude = 0;  // degrees, -180..180
  friend bool operator==(const Point&, const Point&) = default;
};

inline constexpr double kEarthRadiusKm = 6371.0088;  // mean radius (IUGG)

/// Great-circle distance in kilometres (haversine): within about 0.5% of the ellipsoid, which is
/// far finer than a postcode centroid.
inline double distance_km(const Point& a, const Point& b) {
  constexpr double kRadiansPerDegree = 3.14159265358979323846 / 180.0;
  const double lat1 = a.latitude * kRadiansPerDegree, lat2 = b.latitude * kRadiansPerDegree;
  const double dlat = lat2 - lat1, dlon = (b.longitude - a.longitude) * kRadiansPerDegree;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1) * std::cos(lat2) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(std::min(1.0, h)));
}

}  // namespace ordo::domain::geo
