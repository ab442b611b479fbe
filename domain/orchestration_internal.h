// Internals of the sourcing rules engine shared by orchestration.cpp and orchestration_fill.cpp
// (splitting lines by quantity and pre-ordering on receipts).
#pragma once

#include "domain/orchestration.h"

namespace ordo::domain::orchestration::detail {

/// A site that passed the strategy's filters, with its ranking facts.
struct Candidate {
  const SiteFacts* site = nullptr;
  const SiteGroup* group = nullptr;
  double distance = -1;  // km, -1 unknown
  std::int64_t cost = 0;
  std::int64_t depth = 0;  // min over SKUs of available - demand (negative: cannot serve all)
  bool serves_all = false;
};

/// Splits by quantity: each SKU no single candidate covers now is served by the candidates' stock
/// now in rank order, then by their receipts, earliest first; its lines are split where they
/// straddle two sources. False (and `out` untouched) when the candidates together cannot cover
/// some SKU; `out.reason` then names it.
bool fill(const Request& request, const std::vector<Candidate>& candidates, Plan& out);

/// One site for the whole order, each SKU from its stock now or from one receipt of it (a policy
/// that never splits). False when no candidate can.
bool one_site_with_receipts(const Request& request, const std::vector<Candidate>& candidates,
                            Plan& out);

}  // namespace ordo::domain::orchestration::detail
