#include "domain/capacity.h"

#include <set>

namespace ordo::domain::capacity {

void Ledger::record(std::string_view order_id, const order::Event& event, const order::State& after,
                    const LocalDay& local_day) {
  const auto decided = [&](Instant at) {
    if (auto it = decided_at_.find(order_id); it != decided_at_.end())
      it->second = at;
    else
      decided_at_.emplace(std::string(order_id), at);
  };
  if (const auto* p = std::get_if<order::OrderPlaced>(&event)) return decided(p->placed_at);
  if (const auto* d = std::get_if<order::SourcingDecided>(&event)) return decided(d->decided_at);
  if (const auto* c = std::get_if<order::OfferClaimed>(&event)) return decided(c->claimed_at);
  const bool allocated = std::holds_alternative<order::LinesAllocated>(event);
  if (!allocated && !std::holds_alternative<order::LinesCancelled>(event)) return;
  const auto it = decided_at_.find(order_id);
  if (allocated) {
    const Instant at = it == decided_at_.end() ? 0 : it->second;
    const auto& promise = after.placed.promise;
    std::set<std::string_view> sites;
    for (const auto& a : std::get<order::LinesAllocated>(event).allocations)
      sites.insert(a.site_id);
    for (const auto site : sites) {
      const bool promised = site == promise.site_id && promise.preparation_day != 0;
      const auto day = promised ? promise.preparation_day : local_day(site, at);
      auto load = load_.find(site);
      if (load == load_.end())
        load = load_.emplace(std::string(site), std::map<std::int64_t, std::int64_t>{}).first;
      ++load->second[day];
    }
  }
  // Nothing left to allocate: the decision time is no longer needed.
  if (it != decided_at_.end() && after.sourcing_lines().empty()) decided_at_.erase(it);
}

std::int64_t Ledger::preparations(std::string_view site_id, std::int64_t day) const {
  const auto site = load_.find(site_id);
  if (site == load_.end()) return 0;
  const auto it = site->second.find(day);
  return it == site->second.end() ? 0 : it->second;
}

}  // namespace ordo::domain::capacity
