// Reads of the stored order models: an order's view and timeline, the customer-service search, a
// store's pending offers, and promise accuracy.
#include <algorithm>

#include "projections/internal/families.h"
#include "projections/internal/order_index.h"
#include "projections/internal/values.h"
#include "projections/projector.h"

namespace ordo::projections {
namespace {

using namespace internal;
constexpr std::size_t kSearchScanMax = 5000;  // index entries looked at per page
constexpr std::size_t kTimelineMax = 10000;   // events read back for one order

bool known_field(std::string_view field) {
  return std::any_of(std::begin(kSearchFields), std::end(kSearchFields),
                     [&](const char* f) { return field == f; });
}

// The order id and placing time at the end of an index key (<field>\0<value>\0<u64>\0<order>).
std::optional<std::pair<domain::Instant, std::string_view>> tail_of(std::string_view key,
                                                                    std::size_t prefix) {
  const auto rest = key.substr(prefix);
  if (rest.size() < 10 || rest[8] != '\0') return std::nullopt;
  return std::pair{static_cast<domain::Instant>(get_u64_be(rest.data())), rest.substr(9)};
}

}  // namespace

Result<std::optional<OrderView>> Projector::order(std::string_view order_id) const {
  return checked(
      [&]() -> Result<std::optional<OrderView>> {
        auto stored = store_.read_projection(kOrdersFamily, order_id);
        if (!stored) return std::unexpected(stored.error());
        if (!stored->has_value()) return std::optional<OrderView>();
        auto view = decode_order_view(**stored);
        if (!view) return std::unexpected(view.error());
        return std::optional<OrderView>(std::move(*view));
      }(),
      "order_view");
}

Result<std::vector<TimelineEntry>> Projector::timeline(const OrderView& view) const {
  std::vector<TimelineEntry> out;
  out.reserve(std::min(view.timeline.size(), kTimelineMax));
  for (const auto position : view.timeline) {
    if (out.size() == kTimelineMax) break;
    std::optional<Error> problem;
    auto visited = store_.for_each(position, position, [&](const eventstore::EventView& e) {
      auto decoded = wire::decode(e.type, e.schema_version, e.payload);
      if (!decoded) {
        problem = decoded.error();
        return false;
      }
      out.push_back({e.position,
                     e.recorded_at_us,
                     std::string(e.type),
                     std::string(e.stream),
                     {e.actor_kind, std::string(e.actor_id)},
                     std::move(*decoded)});
      return true;
    });
    if (!visited) return std::unexpected(visited.error());
    if (problem) return std::unexpected(*problem);
  }
  return out;
}

Result<OrderPage> Projector::search(const OrderSearch& search) const {
  return checked(
      [&]() -> Result<OrderPage> {
        for (const auto& [field, value] : search.filters) {
          if (!known_field(field))
            return fail(ErrorCode::invalid_argument, "orders are not searched by '" + field + "'");
        }
        const auto field =
            search.filters.empty() ? std::string("date") : search.filters.front().first;
        const auto value = search.filters.empty() ? std::string() : search.filters.front().second;
        const std::string prefix = pair_key(field, value) + std::string(1, '\0');
        std::string start = prefix;
        put_u64_be(start, static_cast<std::uint64_t>(std::max<domain::Instant>(search.from, 0)));
        if (!search.after.empty()) {
          if (!search.after.starts_with(prefix))
            return fail(ErrorCode::invalid_argument, "the cursor belongs to another search");
          start = std::max(start, search.after + std::string(1, '\0'));
        }
        OrderPage page;
        std::string last_key;
        std::size_t scanned = 0;
        bool more = false;
        std::optional<Error> problem;
        auto scan = store_.scan_projection(
            kOrderIndexFamily, prefix, start, [&](std::string_view key, std::string_view) {
              const auto tail = tail_of(key, prefix.size());
              if (!tail) return true;
              if (tail->first > search.to) return false;
              if (page.orders.size() == search.limit || ++scanned > kSearchScanMax) {
                more = true;
                return false;
              }
              last_key = key;
              auto view = order(tail->second);
              if (!view) {
                problem = view.error();
                return false;
              }
              if (*view && matches((*view)->order, search.filters)) {
                (*view)->timeline.clear();
                page.orders.push_back(std::move(**view));
              }
              return true;
            });
        if (!scan) return std::unexpected(scan.error());
        if (problem) return std::unexpected(*problem);
        if (more) page.next_cursor = last_key;
        return page;
      }(),
      "order_index and order_view");
}

// The orders of a site's index entries (`field` "offer" or "held"), oldest first, at most `limit`
// (`more` tells when there are others), without their timelines; `keep` picks among them.
Result<std::vector<OrderView>> Projector::site_orders(
    std::string_view field, std::string_view site_id, std::size_t limit, bool& more,
    const std::function<bool(const OrderView&)>& keep) const {
  return checked(
      [&]() -> Result<std::vector<OrderView>> {
        const std::string prefix = pair_key(field, site_id) + std::string(1, '\0');
        std::vector<std::string> order_ids;
        more = false;
        auto scanned = store_.scan_projection(kOrderIndexFamily, prefix, {},
                                              [&](std::string_view key, std::string_view) {
                                                if (order_ids.size() == limit) {
                                                  more = true;
                                                  return false;
                                                }
                                                if (auto tail = tail_of(key, prefix.size()))
                                                  order_ids.emplace_back(tail->second);
                                                return true;
                                              });
        if (!scanned) return std::unexpected(scanned.error());
        std::vector<OrderView> out;
        for (const auto& id : order_ids) {
          auto view = order(id);
          if (!view) return std::unexpected(view.error());
          if (!*view || !keep(**view)) continue;
          (*view)->timeline.clear();
          out.push_back(std::move(**view));
        }
        return out;
      }(),
      "order_view");
}

Result<std::vector<OrderView>> Projector::pending_offers(std::string_view site_id,
                                                         std::size_t limit, bool& more) const {
  return site_orders("offer", site_id, limit, more, [&](const OrderView& view) {
    const auto* round = view.order.open_round();
    const auto offered = [&](const std::vector<std::string>& sites) {
      return std::find(sites.begin(), sites.end(), site_id) != sites.end();
    };
    return round != nullptr && offered(round->site_ids) && !offered(round->declined);
  });
}

Result<std::vector<OrderView>> Projector::held_orders(std::string_view site_id, std::size_t limit,
                                                      bool& more) const {
  return site_orders("held", site_id, limit, more, [](const OrderView&) { return true; });
}

Result<std::vector<AccuracyEntry>> Projector::accuracy(domain::Instant from, domain::Instant to,
                                                       std::size_t limit, bool& truncated) const {
  return checked(
      [&]() -> Result<std::vector<AccuracyEntry>> {
        std::vector<AccuracyEntry> out;
        truncated = false;
        std::optional<Error> problem;
        auto scan = store_.scan_projection(
            kPromiseAccuracyFamily, "", accuracy_key(from, "", ""),
            [&](std::string_view key, std::string_view value) {
              if (key.size() < 8 || static_cast<domain::Instant>(get_u64_be(key.data())) >= to)
                return false;
              if (out.size() == limit) {
                truncated = true;
                return false;
              }
              auto entry = decode_accuracy(value);
              if (!entry) {
                problem = entry.error();
                return false;
              }
              out.push_back(std::move(*entry));
              return true;
            });
        if (!scan) return std::unexpected(scan.error());
        if (problem) return std::unexpected(*problem);
        return out;
      }(),
      "promise_accuracy");
}

}  // namespace ordo::projections
