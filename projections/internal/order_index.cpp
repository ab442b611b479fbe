#include "projections/internal/order_index.h"

#include <algorithm>

#include "projections/internal/families.h"
#include "projections/read_models.h"

namespace ordo::projections {

bool is_held(domain::order::LineStatus status) {
  using S = domain::order::LineStatus;
  return status == S::allocated || status == S::in_preparation || status == S::prepared ||
         status == S::ready_for_pickup;
}

}  // namespace ordo::projections

namespace ordo::projections::internal {

namespace order = domain::order;

std::vector<std::string> index_keys(const order::State& s) {
  std::vector<std::string> keys;
  const auto& p = s.placed;
  const auto& id = p.order_id;
  const auto add = [&](std::string_view field, std::string_view value) {
    keys.push_back(index_key(field, value, p.placed_at, id));
  };
  add("customer", p.customer_id);
  add("email", order::normalised_email(p.email));
  add("channel", p.channel);
  add("status", order::order_status(s));
  add("date", "");
  for (const auto& l : s.lines) {
    if (!l.site_id.empty()) add("site", l.site_id);
    // A store's lines still to hand over: what it holds, for a store catching up after an absence.
    if (!l.site_id.empty() && is_held(l.status)) add("held", l.site_id);
  }
  // A store's pending offers: sites of the open round that have not declined.
  if (const auto* r = s.open_round()) {
    for (const auto& site : r->site_ids) {
      if (std::find(r->declined.begin(), r->declined.end(), site) == r->declined.end())
        add("offer", site);
    }
  }
  if (s.queued_for_service) add("queue", "customer_service");
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

bool matches(const order::State& s,
             const std::vector<std::pair<std::string, std::string>>& filters) {
  for (const auto& [field, value] : filters) {
    if (field == "customer" && s.placed.customer_id != value) return false;
    if (field == "email" && order::normalised_email(s.placed.email) != value) return false;
    if (field == "channel" && s.placed.channel != value) return false;
    if (field == "status" && order::order_status(s) != value) return false;
    if (field == "queue" && (value != "customer_service" || !s.queued_for_service)) return false;
    if (field == "site" && std::none_of(s.lines.begin(), s.lines.end(),
                                        [&](const auto& l) { return l.site_id == value; })) {
      return false;
    }
  }
  return true;
}

}  // namespace ordo::projections::internal
