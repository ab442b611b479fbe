// The sourcing rules engine: given sites with their stock and capacity, when an order is sourced
// under a strategy, then the plan (direct, a competitive round, or none) and the reason behind
// every site. Coordinates are real French towns; distances are great-circle kilometres.
#include "domain/orchestration.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

namespace ordo::domain::orchestration {
namespace {

using site::SiteType;
constexpr Instant kAt = 1'700'000'000'000'000;  // 2023-11-14

site::Profile profile(SiteType type, double lat, double lon, std::string country = "FR",
                      std::string region = "75") {
  site::Profile p;
  p.name = "site";
  p.type = type;
  p.country = std::move(country);
  p.region = std::move(region);
  p.latitude = lat;
  p.longitude = lon;
  p.capabilities = {type == SiteType::store, type == SiteType::store, false};
  p.daily_capacity = 50;
  return p;
}

// Paris, Lyon, Lille, Orléans: stores in Paris and Lille, warehouses in Lyon and Orléans.
struct World {
  site::Profile paris = profile(SiteType::store, 48.8566, 2.3522);
  site::Profile lille = profile(SiteType::store, 50.6292, 3.0573, "FR", "59");
  site::Profile lyon = profile(SiteType::warehouse, 45.7640, 4.8357, "FR", "69");
  site::Profile orleans = profile(SiteType::warehouse, 47.9030, 1.9093, "FR", "45");
  site::Profile relay = profile(SiteType::pickup_point, 48.85, 2.35);

  std::vector<SiteFacts> sites(
      std::vector<std::pair<std::string, std::vector<std::int64_t>>> stock) {
    std::vector<SiteFacts> out;
    for (auto& [id, available] : stock) {
      const site::Profile* p = id.starts_with("PARIS") ? &paris  // PARIS-2: a twin of PARIS
                               : id == "LILLE"         ? &lille
                               : id == "LYON"          ? &lyon
                               : id == "ORLEANS"       ? &orleans
                                                       : &relay;
      out.push_back({id, p, available, p->daily_capacity, {}});
    }
    return out;
  }
};

Request request(std::vector<order::OrderLine> lines, std::string postcode = "75002",
                std::optional<geo::Point> destination = geo::Point{48.8686, 2.3412}) {
  Request r;
  r.order_id = "O-1";
  r.channel = "web";
  r.delivery = {"Jeanne", "12 rue de la Paix", "", postcode, "Paris", "FR", ""};
  r.destination = destination;
  r.lines = std::move(lines);
  r.demand = demand_of(r.lines);
  for (const auto& l : r.lines) r.order_value_minor += l.quantity * l.unit_price_minor;
  r.at = kAt;
  return r;
}

Strategy nearest(AllocationMode mode = AllocationMode::direct) {
  Strategy s;
  s.name = "nearest";
  s.ranking = {Criterion::distance};
  s.mode = mode;
  return s;
}

Rules rules_of(Strategy s) { return Rules{{s}, {}, s.name}; }

const Considered* verdict(const Plan& plan, std::string_view site) {
  for (const auto& c : plan.considered) {
    if (c.site_id == site) return &c;
  }
  return nullptr;
}

TEST(Sourcing, GivenTwoSitesWithStockWhenRankedByDistanceThenTheNearestServesTheWholeOrder) {
  World w;
  const auto plan = orchestration::plan(rules_of(nearest()), request({{1, "A", 1, 1000}}),
                                        w.sites({{"LYON", {5}}, {"PARIS", {5}}}));
  ASSERT_EQ(plan.kind, Plan::Kind::direct) << plan.reason;
  EXPECT_EQ(plan.allocations, (std::vector<order::Allocation>{{1, "PARIS"}}));
  EXPECT_EQ(verdict(plan, "PARIS")->verdict, "allocated");
  EXPECT_EQ(verdict(plan, "PARIS")->rank, 1);
  EXPECT_EQ(verdict(plan, "LYON")->verdict, "candidate");
  EXPECT_NEAR(verdict(plan, "LYON")->distance_km, 392, 3);  // Paris 2e to Lyon
}

TEST(Sourcing, GivenAPriorityPerGroupWhenRankedThenTheWarehouseGoesFirstWhateverTheDistance) {
  World w;
  auto s = nearest();
  s.ranking = {Criterion::priority, Criterion::distance};
  s.groups = {{"french warehouses", {{}, {SiteType::warehouse}, {"FR"}, {}}, 1, 24, 0, 0}};
  const auto plan = orchestration::plan(rules_of(s), request({{1, "A", 1, 1000}}),
                                        w.sites({{"PARIS", {5}}, {"LYON", {5}}, {"ORLEANS", {5}}}));
  EXPECT_EQ(plan.allocations.at(0).site_id, "ORLEANS");  // the nearer of the two warehouses
  EXPECT_NE(verdict(plan, "ORLEANS")->reason.find("french warehouses"), std::string::npos);
}

TEST(Sourcing, FiltersDropSitesAndSayWhy) {
  World w;
  auto s = nearest();
  s.excluded_sites = {"LILLE"};
  s.max_distance_km = 300;
  auto facts =
      w.sites({{"PARIS", {5}}, {"LILLE", {5}}, {"LYON", {5}}, {"RELAY", {5}}, {"ORLEANS", {0}}});
  facts[0].capacity_left = 0;  // Paris has prepared all it can today
  const auto plan = orchestration::plan(rules_of(s), request({{1, "A", 1, 1000}}), facts);
  EXPECT_EQ(plan.kind, Plan::Kind::none);
  EXPECT_EQ(verdict(plan, "PARIS")->reason, "no preparation capacity left today");
  EXPECT_EQ(verdict(plan, "LILLE")->reason, "excluded by strategy nearest");
  EXPECT_NE(verdict(plan, "LYON")->reason.find("over 300 km"), std::string::npos);
  EXPECT_EQ(verdict(plan, "RELAY")->reason, "site type pickup_point not allowed");
  EXPECT_EQ(verdict(plan, "ORLEANS")->reason, "not enough stock for any line");
  EXPECT_NE(plan.reason.find("out of stock: no eligible site can sell 1 of A"), std::string::npos)
      << plan.reason;
}

TEST(Sourcing, ClickAndCollectNeedsTheCapabilityAndStoresMustShipFromStore) {
  World w;
  w.paris.capabilities.ship_from_store = false;
  auto r = request({{1, "A", 1, 1000}});
  auto facts = w.sites({{"PARIS", {5}}, {"LYON", {5}}});
  auto home = orchestration::plan(rules_of(nearest()), r, facts);
  EXPECT_EQ(home.allocations.at(0).site_id, "LYON");
  EXPECT_EQ(verdict(home, "PARIS")->reason, "does not ship from store");
  r.method = order::DeliveryMethod::click_and_collect;
  auto collect = orchestration::plan(rules_of(nearest()), r, facts);
  EXPECT_EQ(collect.allocations.at(0).site_id, "PARIS");
  EXPECT_EQ(verdict(collect, "LYON")->reason, "no click and collect");
}

TEST(Sourcing, SplitNeverRefusesWhatNoSingleSiteHasMinimizeUsesTheFewestSites) {
  World w;
  auto s = nearest();
  const auto r = request({{1, "A", 1, 1000}, {2, "B", 1, 1000}, {3, "C", 1, 1000}});
  // Paris has A, Lyon has B and C, Lille has C: two shipments are enough.
  auto facts = w.sites({{"PARIS", {1, 0, 0}}, {"LILLE", {0, 0, 1}}, {"LYON", {0, 1, 1}}});
  s.split = SplitPolicy::never;
  auto never = orchestration::plan(rules_of(s), r, facts);
  EXPECT_EQ(never.kind, Plan::Kind::none);
  EXPECT_NE(never.reason.find("does not split"), std::string::npos) << never.reason;
  s.split = SplitPolicy::minimize_shipments;
  auto split = orchestration::plan(rules_of(s), r, facts);
  ASSERT_EQ(split.kind, Plan::Kind::direct);
  EXPECT_EQ(split.allocations,
            (std::vector<order::Allocation>{{1, "PARIS"}, {2, "LYON"}, {3, "LYON"}}));
}

TEST(Sourcing, SplitAboveValueSplitsOnlyOrdersWorthIt) {
  World w;
  auto s = nearest();
  s.split = SplitPolicy::above_value;
  s.split_min_value_minor = 10000;
  auto facts = w.sites({{"PARIS", {1, 0}}, {"LYON", {0, 1}}});
  EXPECT_EQ(
      orchestration::plan(rules_of(s), request({{1, "A", 1, 3000}, {2, "B", 1, 3000}}), facts).kind,
      Plan::Kind::none);
  EXPECT_EQ(
      orchestration::plan(rules_of(s), request({{1, "A", 1, 6000}, {2, "B", 1, 6000}}), facts).kind,
      Plan::Kind::direct);
}

TEST(Sourcing, LinesOfOneSkuAreServedTogether) {
  World w;
  // 2 + 2 of A: Paris has 3, Lyon 4.
  const auto plan =
      orchestration::plan(rules_of(nearest()), request({{1, "A", 2, 1000}, {2, "A", 2, 1000}}),
                          w.sites({{"PARIS", {3}}, {"LYON", {4}}}));
  EXPECT_EQ(plan.allocations, (std::vector<order::Allocation>{{1, "LYON"}, {2, "LYON"}}));
}

TEST(Sourcing, ACompetitiveStrategyOffersTheBestStoresAndNotTheWarehouses) {
  World w;
  auto s = nearest(AllocationMode::competitive);
  s.round_size = 2;
  s.round_timeout_ms = 90'000;
  auto facts = w.sites({{"LYON", {5}}, {"LILLE", {5}}, {"PARIS", {5}}});
  const auto plan = orchestration::plan(rules_of(s), request({{1, "A", 1, 1000}}), facts);
  ASSERT_EQ(plan.kind, Plan::Kind::round);
  EXPECT_EQ(plan.offered, (std::vector<std::string>{"PARIS", "LILLE"}));
  EXPECT_EQ(plan.deadline, kAt + 90'000'000);
  EXPECT_EQ(verdict(plan, "PARIS")->verdict, "offered");
  EXPECT_EQ(verdict(plan, "LYON")->verdict, "candidate");
}

TEST(Sourcing, AnOrderPlacedWithAPromiseGoesToThePromisedSiteWhenItHasEveryLine) {
  World w;
  auto s = nearest(AllocationMode::competitive);
  auto r = request({{1, "A", 1, 1000}, {2, "B", 1, 1000}});
  r.promised_site = "LYON";
  // Competitive for stores, but the promise was computed from Lyon's stock and calendar.
  auto plan = orchestration::plan(
      rules_of(s), r, w.sites({{"LYON", {5, 5}}, {"LILLE", {5, 5}}, {"PARIS", {5, 5}}}));
  ASSERT_EQ(plan.kind, Plan::Kind::direct);
  EXPECT_EQ(plan.allocations, (std::vector<order::Allocation>{{1, "LYON"}, {2, "LYON"}}));
  EXPECT_EQ(verdict(plan, "LYON")->rank, 1);
  EXPECT_NE(verdict(plan, "LYON")->reason.find("keeps the delivery promise"), std::string::npos);
  // Lyon lost a line's stock since: the strategy decides as without a promise.
  plan = orchestration::plan(rules_of(s), r,
                             w.sites({{"LYON", {5, 0}}, {"LILLE", {5, 5}}, {"PARIS", {5, 5}}}));
  ASSERT_EQ(plan.kind, Plan::Kind::round);
  EXPECT_EQ(plan.offered.front(), "PARIS");
}

TEST(Sourcing, TheNextRoundWidensPastTheStoresTriedThenFallsBackToAWarehouse) {
  World w;
  auto s = nearest(AllocationMode::competitive);
  s.round_size = 1;
  s.max_rounds = 2;
  auto facts = w.sites({{"LYON", {5}}, {"LILLE", {5}}, {"PARIS", {5}}});
  auto r = request({{1, "A", 1, 1000}});
  r.round = 2;
  r.tried = {"PARIS"};
  auto second = orchestration::plan(rules_of(s), r, facts);
  EXPECT_EQ(second.offered, std::vector<std::string>{"LILLE"});
  EXPECT_EQ(verdict(second, "PARIS")->reason, "already offered or tried for this order");
  r.round = 3;
  r.tried = {"PARIS", "LILLE"};
  auto fallback = orchestration::plan(rules_of(s), r, facts);
  ASSERT_EQ(fallback.kind, Plan::Kind::direct);
  EXPECT_EQ(fallback.allocations.at(0).site_id, "LYON");
  s.fallback_direct = false;
  auto queued = orchestration::plan(rules_of(s), r, facts);
  EXPECT_EQ(queued.kind, Plan::Kind::none);
  EXPECT_NE(queued.reason.find("no store claimed the order in 2 rounds"), std::string::npos)
      << queued.reason;
}

TEST(Sourcing, AStrategyIsChosenByChannelCountryAndSeasonAcrossTheYearEnd) {
  Strategy normal = nearest(), peak = nearest(), market = nearest();
  normal.name = "normal";
  peak.name = "peak";
  market.name = "market";
  Rules rules{{normal, peak, market},
              {{{"marketplace"}, {}, 0, 0, "market"}, {{}, {"FR"}, 1115, 105, "peak"}},
              "normal"};
  EXPECT_EQ(rules.select("marketplace", "FR", kAt)->name, "market");
  EXPECT_EQ(rules.select("web", "FR", kAt + 2 * kMicrosPerDay)->name, "peak");     // 16 November
  EXPECT_EQ(rules.select("web", "FR", kAt + 52 * kMicrosPerDay)->name, "peak");    // 5 January
  EXPECT_EQ(rules.select("web", "FR", kAt + 53 * kMicrosPerDay)->name, "normal");  // 6 January
  EXPECT_EQ(rules.select("web", "DE", kAt + 2 * kMicrosPerDay)->name, "normal");
  EXPECT_TRUE(validate(rules).empty());
}

TEST(Sourcing, InvalidRulesListEveryProblemWithItsPointer) {
  Strategy s = nearest(AllocationMode::competitive);
  s.round_size = 0;
  s.ranking = {Criterion::distance, Criterion::distance};
  s.countries = {"France"};
  Rules rules{{s, s}, {{{}, {}, 1340, 101, "missing"}}, "nowhere"};
  const auto errors = validate(rules);
  auto has = [&](std::string_view pointer) {
    return std::any_of(errors.begin(), errors.end(),
                       [&](const ConfigError& e) { return e.pointer == pointer; });
  };
  EXPECT_TRUE(has("/strategies/0/round_size"));
  EXPECT_TRUE(has("/strategies/0/ranking/1"));
  EXPECT_TRUE(has("/strategies/0/countries/0"));
  EXPECT_TRUE(has("/strategies/1/name"));  // defined twice
  EXPECT_TRUE(has("/selectors/0/strategy"));
  EXPECT_TRUE(has("/selectors/0/from_month_day"));
  EXPECT_TRUE(has("/default_strategy"));
}

TEST(Sourcing, ARateCardPricesShipmentsByDestination) {
  World w;
  auto s = nearest();
  s.ranking = {Criterion::shipping_cost};
  s.groups = {{"all", {}, 100, 0, 500, 2}};
  s.rates = {{{{"LYON"}, {}, {}, {}}, "FR", "75", 300}};
  const auto plan = orchestration::plan(rules_of(s), request({{1, "A", 1, 1000}}),
                                        w.sites({{"PARIS", {5}}, {"LYON", {5}}}));
  EXPECT_EQ(plan.allocations.at(0).site_id,
            "LYON");  // 3.00 by the rate card, Paris 5.00 + 2 x ~2 km
  EXPECT_NE(verdict(plan, "LYON")->reason.find("cost 300"), std::string::npos);
}

// ../shared/data/README.md's routing oracle: serving customer c from site A, B or C costs
//   c1: A2 B5 C6; c2: A7 B19 C20; c3: A8 B15 C18, one unit of stock per site.
// Sourcing decides order by order, as orders arrive: each takes the cheapest site left, which
// costs 2 + 19 + 18 = 39, where sourcing the three together would cost 28 (c1->C, c2->A, c3->B).
// This is what order-by-order sourcing gives; batch optimisation is not what Ordo does at
// checkout, where an order is answered before the next one is known.
TEST(Sourcing, TheRoutingOracleOrderByOrderCosts39WhereTheBatchOptimumIs28) {
  const std::int64_t cost[3][3] = {{2, 5, 6}, {7, 19, 20}, {8, 15, 18}};
  const std::string ids[3] = {"A", "B", "C"};
  World w;
  Strategy s = nearest();
  s.ranking = {Criterion::shipping_cost};
  s.require_capacity = false;
  for (int c = 0; c < 3; ++c) {
    for (int site = 0; site < 3; ++site) {
      s.rates.push_back(
          {{{ids[site]}, {}, {}, {}}, "FR", "c" + std::to_string(c + 1), cost[c][site]});
    }
  }
  std::int64_t stock[3] = {1, 1, 1};
  std::int64_t greedy = 0;
  for (int c = 0; c < 3; ++c) {
    std::vector<SiteFacts> facts;
    for (int site = 0; site < 3; ++site)
      facts.push_back({ids[site], &w.lyon, {stock[site]}, 1, {}});
    const auto plan = orchestration::plan(
        rules_of(s), request({{1, "X", 1, 100}}, "c" + std::to_string(c + 1)), facts);
    ASSERT_EQ(plan.kind, Plan::Kind::direct);
    const auto chosen =
        std::find(std::begin(ids), std::end(ids), plan.allocations.at(0).site_id) - std::begin(ids);
    greedy += cost[c][chosen];
    --stock[chosen];
  }
  EXPECT_EQ(greedy, 39);
  int perm[3] = {0, 1, 2};
  std::int64_t best = INT64_MAX;
  do {
    best = std::min(best, cost[0][perm[0]] + cost[1][perm[1]] + cost[2][perm[2]]);
  } while (std::next_permutation(perm, perm + 3));
  EXPECT_EQ(best, 28);
}

// Laws of the engine over generated stock.
// The model: a splitting strategy can source an order exactly when, for every SKU, the eligible
// sites together have enough of it; the plan then gives each line (as split) one site, takes no
// more of a SKU at a site than it has, and splits no line of a SKU one site has enough of.
RC_GTEST_PROP(SourcingLaws, ASplittingPlanServesWhatTheSitesTogetherHaveAndNoMore, ()) {
  World w;
  const auto lines = *rc::gen::inRange(1, 4);
  std::vector<order::OrderLine> order_lines;
  for (int i = 0; i < lines; ++i) {
    order_lines.push_back({static_cast<std::uint32_t>(i + 1),
                           "S" + std::to_string(*rc::gen::inRange(0, 3)),
                           *rc::gen::inRange<std::int64_t>(1, 9), 1000});
  }
  auto r = request(order_lines);
  std::map<std::string, std::map<std::string, std::int64_t>> have;  // site -> SKU -> units
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> stock;
  for (const char* id : {"PARIS", "LILLE", "LYON", "ORLEANS"}) {
    std::vector<std::int64_t> available;
    for (const auto& [sku, _] : r.demand) {
      available.push_back(*rc::gen::inRange<std::int64_t>(0, 8));
      have[id][sku] = available.back();
    }
    stock.emplace_back(id, available);
  }
  std::map<std::string, std::int64_t> wanted, total, best;  // per SKU
  for (const auto& l : order_lines) wanted[l.sku] += l.quantity;
  for (const auto& [site, skus] : have) {
    for (const auto& [sku, units] : skus) {
      total[sku] += units;
      best[sku] = std::max(best[sku], units);
    }
  }
  const bool feasible =
      std::ranges::all_of(wanted, [&](auto& want) { return total[want.first] >= want.second; });
  const auto plan = orchestration::plan(rules_of(nearest()), r, w.sites(stock));
  RC_CLASSIFY(!plan.splits.empty(), "lines split");
  RC_ASSERT((plan.kind == Plan::Kind::direct) == feasible);
  if (!feasible) {
    RC_ASSERT(plan.reason.starts_with("out of stock"));
    return;
  }
  std::map<std::uint32_t, order::OrderLine> as_split;
  for (const auto& l : order_lines) as_split[l.line] = l;
  for (const auto& split : plan.splits) {
    const auto whole = as_split.at(split.line);
    RC_ASSERT(best[whole.sku] < wanted[whole.sku]);  // one site had too little
    std::int64_t sum = 0;
    for (const auto& part : split.parts) {
      sum += part.quantity;
      RC_ASSERT(part.quantity > 0);
      RC_ASSERT(part.line == split.line || !as_split.contains(part.line));
      as_split[part.line] = {part.line, whole.sku, part.quantity, whole.unit_price_minor};
    }
    RC_ASSERT(sum == whole.quantity);
  }
  RC_ASSERT(plan.allocations.size() == as_split.size());
  std::map<std::pair<std::string, std::string>, std::int64_t> taken;
  for (const auto& a : plan.allocations) {
    const auto& line = as_split.at(a.line);
    taken[{a.site_id, line.sku}] += line.quantity;
  }
  for (const auto& [key, units] : taken) RC_ASSERT(units <= have[key.first][key.second]);
}

// The plan depends on the facts, not on the order they come in (a map's, a scan's): the sites are
// shuffled between the two plans, and PARIS-2, a twin of PARIS, ties with it on every criterion.
RC_GTEST_PROP(SourcingLaws, TheSamePlanForTheSameInputsInAnyOrder, ()) {
  World w;
  auto r = request({{1, "A", *rc::gen::inRange<std::int64_t>(1, 5), 1000}});
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> stock;
  for (const char* id : {"PARIS", "PARIS-2", "LYON", "LILLE", "ORLEANS"})
    stock.push_back({id, {*rc::gen::inRange<std::int64_t>(0, 6)}});
  auto facts = w.sites(stock);
  auto shuffled = facts;
  std::mt19937 random(*rc::gen::arbitrary<std::uint32_t>());
  std::shuffle(shuffled.begin(), shuffled.end(), random);
  auto s = nearest(*rc::gen::element(AllocationMode::direct, AllocationMode::competitive));
  const auto a = orchestration::plan(rules_of(s), r, facts);
  const auto b = orchestration::plan(rules_of(s), r, shuffled);
  RC_CLASSIFY(a.kind == Plan::Kind::direct, "allocated");
  RC_CLASSIFY(a.kind == Plan::Kind::round, "offered");
  RC_CLASSIFY(stock[0].second == stock[1].second, "PARIS and its twin tie");
  RC_ASSERT(a.kind == b.kind);
  RC_ASSERT(a.allocations == b.allocations);
  RC_ASSERT(a.offered == b.offered);
  RC_ASSERT(a.considered == b.considered);
  RC_ASSERT(a.considered.size() == facts.size());  // every site is accounted for
}

}  // namespace
}  // namespace ordo::domain::orchestration
