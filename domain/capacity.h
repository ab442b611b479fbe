// Preparation capacity: how many orders each site prepares on each of its local days, counted from
// the order events as they happen. Sourcing drops a site whose day is full, and promises move to
// the next day with room. Pure: the site's calendar comes in as a function.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/order.h"

namespace ordo::domain::capacity {

/// The local day (days since the epoch) of `site_id` at `at`, in the site's own time zone.
using LocalDay = std::function<std::int64_t(std::string_view site_id, Instant at)>;

/// Orders taken per site and local day. Not thread-safe; one owner.
class Ledger {
 public:
  /// Counts what `event` of `order_id` takes: an allocation counts once per site it gives lines
  /// to, on the day the order's promise took when the site is the promised one, else on the site's
  /// day at the time of the decision that allocated (placing, sourcing or a claim). `after` is the
  /// order's state with the event applied.
  void record(std::string_view order_id, const order::Event& event, const order::State& after,
              const LocalDay& local_day);

  /// Orders `site_id` prepares on its local day `day`.
  [[nodiscard]] std::int64_t preparations(std::string_view site_id, std::int64_t day) const;

 private:
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>()(text);
    }
  };
  template <class V>
  using ByText = std::unordered_map<std::string, V, TextHash, std::equal_to<>>;
  ByText<std::map<std::int64_t, std::int64_t>> load_;  // site -> day -> orders
  ByText<Instant> decided_at_;  // order -> time of the decision that is allocating it
};

/// Days since the epoch of a UTC instant (floor), for sites without a known time zone.
[[nodiscard]] constexpr std::int64_t utc_day(Instant at) {
  return (at >= 0 ? at : at - kMicrosPerDay + 1) / kMicrosPerDay;
}

}  // namespace ordo::domain::capacity
