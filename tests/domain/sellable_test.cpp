// Sellable stock per channel, as a merchandiser would describe it: worked examples checking the
// figures and the explanation a user reads, then the laws the engine keeps for any input.
#include "domain/sellable.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <deque>

#include "tests/domain/generators.h"
#include "tests/domain/inventory_views_builders.h"

namespace ordo::domain::sellable {
namespace {

using site::SiteType;
using stock::ReceiptStatus;
using testing::Channel;
using testing::Exclude;
using testing::Sites;
using testing::uniform;
using testing::views;
using Lines = std::vector<std::string>;

constexpr Instant kNow = 1'718'006'400'000'000;  // 2024-06-10 08:00 UTC
constexpr Instant kDay = kMicrosPerDay;

catalog::Item item(std::string sku, std::string category) {
  catalog::Item it;
  it.sku = std::move(sku);
  it.name = it.sku;
  it.category = std::move(category);
  return it;
}

const catalog::Item kSneaker = item("SNK-42-BLK", "shoes/running");
const catalog::Item kTshirt = item("TSH-M-WHT", "apparel/tshirts");

/// The sites of a retail network and their stock of the SKU under test.
class Network {
 public:
  Network& site(std::string id, SiteType type, std::string country, std::string region,
                std::int64_t on_hand, std::int64_t reserved = 0) {
    Entry& entry = entries_.emplace_back();
    entry.id = std::move(id);
    entry.profile.name = entry.id;
    entry.profile.type = type;
    entry.profile.country = std::move(country);
    entry.profile.region = std::move(region);
    entry.stock.on_hand = on_hand;
    entry.stock.reserved = reserved;
    return *this;
  }
  /// A receipt expected at the last site added.
  Network& receipt(std::string id, std::int64_t quantity, Instant expected_at,
                   ReceiptStatus status = ReceiptStatus::expected) {
    entries_.back().stock.receipts[std::move(id)] = {quantity, expected_at, status, 0, {}};
    return *this;
  }
  stock::State& stock(std::size_t index) { return entries_[index].stock; }
  const stock::State& stock(std::size_t index) const { return entries_[index].stock; }
  site::Profile& profile(std::size_t index) { return entries_[index].profile; }
  const site::Profile& profile(std::size_t index) const { return entries_[index].profile; }
  std::size_t size() const { return entries_.size(); }

  /// Views into this network: valid while it lives and gets no new site.
  std::vector<SiteStock> stocks() const {
    std::vector<SiteStock> out;
    for (const Entry& entry : entries_) out.push_back({entry.id, &entry.profile, &entry.stock});
    return out;
  }

 private:
  struct Entry {
    std::string id;
    site::Profile profile;
    stock::State stock;
  };
  std::deque<Entry> entries_;  // stable addresses for SiteStock
};

Result sell(const InventoryViews& document, std::string_view channel, const catalog::Item& sku,
            const Network& network) {
  return compute(document, channel, sku, network.stocks(), kNow);
}

// A store in Paris (75), a store and the warehouse in Lyon (69), with their stock on hand.
Network paris_and_lyon(std::int64_t paris_store, std::int64_t lyon_store,
                       std::int64_t lyon_warehouse) {
  Network network;
  network.site("PAR-01", SiteType::store, "FR", "75", paris_store)
      .site("LYS-01", SiteType::store, "FR", "69", lyon_store)
      .site("WH-LYON", SiteType::warehouse, "FR", "69", lyon_warehouse);
  return network;
}

const SiteSelector kFrenchStoresAndWarehouses =
    Sites().types({SiteType::store, SiteType::warehouse}).countries({"FR"});

TEST(SellableStock, TheWebShopSellsAllTheNetworkAndTheMarketplace80Percent) {
  const InventoryViews document =
      views({Channel("web").sites(kFrenchStoresAndWarehouses).share(100),
             Channel("marketplace").sites(kFrenchStoresAndWarehouses).share(80)});
  Network network;
  network.site("PAR-01", SiteType::store, "FR", "75", 12, 2)
      .site("WH-LYON", SiteType::warehouse, "FR", "69", 40);

  const Result web = sell(document, "web", kSneaker, network);
  EXPECT_EQ(web.sites,
            (std::vector<SiteContribution>{{"PAR-01", 12, 2, 0, 0, 10, 10, false, 0, 12, 0},
                                           {"WH-LYON", 40, 0, 0, 0, 40, 40, false, 0, 40, 0}}));
  EXPECT_EQ(web.now, 50);
  EXPECT_EQ(web.total, 50);
  EXPECT_EQ(explain(web),
            (Lines{"site PAR-01: 12 on hand - 2 reserved = 10 available, 100% shared = 10",
                   "site WH-LYON: 40 on hand - 0 reserved = 40 available, 100% shared = 40",
                   "channel web, SKU SNK-42-BLK: 50 now + 0 future = 50 sellable"}));

  const Result marketplace = sell(document, "marketplace", kSneaker, network);
  // The share is of the stock, whoever reserved the 2: 80% of 12 is 9, all of it available.
  EXPECT_EQ(marketplace.total, 41);
  EXPECT_EQ(
      explain(marketplace),
      (Lines{
          "site PAR-01: 12 on hand - 2 reserved = 10 available; 80% share of 12 = 9, shared = 9",
          "site WH-LYON: 40 on hand - 0 reserved = 40 available; 80% share of 40 = 32, shared = 32",
          "channel marketplace, SKU SNK-42-BLK: 41 now + 0 future = 41 sellable"}));
}

// A marketplace shown 80 of 100 units can take 80 of them: its share is of the stock, less what
// its own orders took, not 80% of whatever is left after each of its orders.
TEST(SellableStock, AChannelsShareCapsWhatItsOrdersTakeOfASite) {
  const InventoryViews document =
      views({Channel("web").share(100), Channel("marketplace").share(80)});
  Network network;
  network.site("WH-LYON", SiteType::warehouse, "FR", "69", 100);
  const auto take = [&](std::string order, std::string view, std::int64_t quantity) {
    network.stock(0) =
        stock::evolve(network.stock(0),
                      stock::StockReserved{order + "/1", order, 1, quantity, std::move(view), {}});
  };
  EXPECT_EQ(sell(document, "marketplace", kSneaker, network).total, 80);

  take("M1", "marketplace", 70);
  EXPECT_EQ(sell(document, "marketplace", kSneaker, network).total, 10);  // not 80% of 30 = 24
  EXPECT_EQ(sell(document, "web", kSneaker, network).total, 30);
  EXPECT_EQ(explain(sell(document, "marketplace", kSneaker, network)).front(),
            "site WH-LYON: 100 on hand - 70 reserved = 30 available; 80% share of 100 = 80 - 70 "
            "taken by the channel, shared = 10");

  take("W1", "web", 25);  // the web shop leaves less than the marketplace's share: available caps
  EXPECT_EQ(sell(document, "marketplace", kSneaker, network).total, 5);
  take("M2", "marketplace", 5);
  EXPECT_EQ(sell(document, "marketplace", kSneaker, network).total, 0);
  EXPECT_EQ(sell(document, "web", kSneaker, network).total, 0);
  // A hold for a competitive round counts as taken, and is said so.
  network.stock(0) = stock::evolve(network.stock(0), stock::ReservationReleased{"W1/1", 25, "x"});
  network.stock(0) = stock::evolve(network.stock(0), stock::StockHeld{"W2/1", "W2", 1, 4, "web"});
  EXPECT_EQ(sell(document, "web", kSneaker, network).total, 21);
  EXPECT_EQ(sell(document, "marketplace", kSneaker, network).total, 5);
  EXPECT_EQ(explain(sell(document, "web", kSneaker, network)).front(),
            "site WH-LYON: 100 on hand - 79 reserved (4 of them held for offers) = 21 available, "
            "100% shared = 21");
}

TEST(SellableStock, AClosedSiteShowsItsStockButSellsNoneOfItNorOfItsReceipts) {
  const InventoryViews document = views({Channel("web").share(100).horizon_days(30)});
  Network network;
  network.site("PAR-01", SiteType::store, "FR", "75", 12, 2)
      .receipt("PO-1", 5, kNow + 2 * kDay)
      .site("WH-LYON", SiteType::warehouse, "FR", "69", 40);
  for (auto status : {site::Status::temporarily_closed, site::Status::closed}) {
    network.profile(0).status = status;
    const Result web = sell(document, "web", kSneaker, network);
    EXPECT_EQ(web.now, 40);
    EXPECT_EQ(web.future, 0);
    EXPECT_TRUE(web.sites.at(0).closed);
    EXPECT_EQ(explain(web).front(), "site PAR-01: closed, 12 on hand not sellable = 0");
    EXPECT_EQ(sellable_at_site(document, "web", kSneaker, network.stocks().front()), 0);
    EXPECT_EQ(future_at_site(document, "web", network.stocks().front(), kNow), 0);
  }
  network.profile(0).status = site::Status::open;
  EXPECT_EQ(sell(document, "web", kSneaker, network).now, 50);
  EXPECT_EQ(sell(document, "web", kSneaker, network).future, 5);
}

TEST(SellableStock, AShareRoundsDownSoAChannelNeverSellsAUnitItWasNotGiven) {
  const InventoryViews document =
      views({Channel("marketplace").share(80).safety(Sites(), "shoes", 1)});
  Network network;
  network.site("PAR-01", SiteType::store, "FR", "75", 12, 2);

  const Result result = sell(document, "marketplace", kSneaker, network);
  // 80% of the 11 units not kept back is 8.8: the channel is given 8.
  EXPECT_EQ(result.sites,
            (std::vector<SiteContribution>{{"PAR-01", 12, 2, 1, 0, 9, 8, false, 0, 8, 0}}));
  EXPECT_EQ(result.total, 8);
  EXPECT_EQ(explain(result).front(),
            "site PAR-01: 12 on hand - 2 reserved - 1 safety = 9 available; 80% share of 11 = 8, "
            "shared = 8");
}

TEST(SellableStock, SafetyStockIsKeptBackForTheCategoryAndItsSubcategoriesOnly) {
  const InventoryViews document = views({Channel("marketplace")
                                             .sites(Sites().types({SiteType::warehouse}))
                                             .share(80)
                                             .safety(Sites(), "shoes", 2)});
  Network network;
  network.site("WH-LYON", SiteType::warehouse, "FR", "69", 40);

  const Result sneakers = sell(document, "marketplace", kSneaker, network);
  EXPECT_EQ(sneakers.total, 30);  // 40 - 2 = 38, 80% = 30.4
  EXPECT_EQ(explain(sneakers).front(),
            "site WH-LYON: 40 on hand - 0 reserved - 2 safety = 38 available; 80% share of 38 = "
            "30, shared = 30");
  EXPECT_EQ(sell(document, "marketplace", kTshirt, network).total, 32);
  EXPECT_EQ(sell(document, "marketplace", item("SHC-01", "shoes-care/polish"), network).total, 32)
      << "\"shoes\" is a category, not a string prefix: shoe care is another category";
  EXPECT_EQ(sell(document, "marketplace", item("SNK-01", "shoes"), network).total, 30);
}

TEST(SellableStock, SafetyStockByRegionAddsUpWithOtherRules) {
  const InventoryViews document =
      views({Channel("web").safety(Sites().regions({"69"}), "", 3).safety(Sites(), "shoes", 1)});
  const Network network = paris_and_lyon(10, 10, 40);

  const Result sneakers = sell(document, "web", kSneaker, network);
  EXPECT_EQ(sneakers.total, 9 + 6 + 36);
  EXPECT_EQ(
      explain(sneakers),
      (Lines{"site PAR-01: 10 on hand - 0 reserved - 1 safety = 9 available, 100% shared = 9",
             "site LYS-01: 10 on hand - 0 reserved - 4 safety = 6 available, 100% shared = 6",
             "site WH-LYON: 40 on hand - 0 reserved - 4 safety = 36 available, 100% shared = 36",
             "channel web, SKU SNK-42-BLK: 51 now + 0 future = 51 sellable"}));
  EXPECT_EQ(sell(document, "web", kTshirt, network).total, 10 + 7 + 37);
}

// A warehouse expecting purchase orders: only those still expected and due within the horizon
// count, in date order, each with its date.
Network warehouse_expecting_receipts(std::int64_t on_hand) {
  Network network;
  network.site("WH-LYON", SiteType::warehouse, "FR", "69", on_hand)
      .receipt("PO-1", 10, kNow + 3 * kDay)
      .receipt("PO-2", 5, kNow + 20 * kDay)                           // beyond the horizon
      .receipt("PO-3", 7, kNow + 14 * kDay)                           // on the last day: counts
      .receipt("PO-4", 4, kNow + 2 * kDay, ReceiptStatus::confirmed)  // already on hand
      .receipt("PO-5", 6, kNow - kDay)                                // late: not promised
      .receipt("PO-6", 3, kNow + kDay, ReceiptStatus::cancelled)
      .receipt("PO-7", 2, kNow);  // due now but not received: late
  return network;
}

TEST(SellableStock, ExpectedReceiptsWithinTheHorizonCountWithTheirDates) {
  const InventoryViews document = views({Channel("web").horizon_days(14)});
  const Result result = sell(document, "web", kSneaker, warehouse_expecting_receipts(5));
  EXPECT_EQ(result.receipts,
            (std::vector<FutureContribution>{{"WH-LYON", "PO-1", 10, kNow + 3 * kDay},
                                             {"WH-LYON", "PO-3", 7, kNow + 14 * kDay}}));
  EXPECT_EQ(result.now, 5);
  EXPECT_EQ(result.future, 17);
  EXPECT_EQ(result.total, 22);
  EXPECT_EQ(explain(result),
            (Lines{"site WH-LYON: 5 on hand - 0 reserved = 5 available, 100% shared = 5",
                   "receipt PO-1 at site WH-LYON expected 2024-06-13 08:00 UTC: 10 shared",
                   "receipt PO-3 at site WH-LYON expected 2024-06-24 08:00 UTC: 7 shared",
                   "channel web, SKU SNK-42-BLK: 5 now + 17 future = 22 sellable"}));
}

TEST(SellableStock, ExpectedReceiptsAreSharedLikeStockOnHand) {
  const InventoryViews document = views({Channel("marketplace").share(80).horizon_days(14)});
  const Result result = sell(document, "marketplace", kSneaker, warehouse_expecting_receipts(0));
  EXPECT_EQ(result.future, 8 + 5);
  EXPECT_EQ(explain(result)[1],
            "receipt PO-1 at site WH-LYON expected 2024-06-13 08:00 UTC: 8 shared");
}

TEST(SellableStock, WithoutAHorizonNoReceiptCounts) {
  const Result result =
      sell(views({Channel("web")}), "web", kSneaker, warehouse_expecting_receipts(5));
  EXPECT_TRUE(result.receipts.empty());
  EXPECT_EQ(result.total, 5);
}

TEST(SellableStock, AVipReserveIsHiddenFromTheWebShopButNotFromVipClients) {
  const SiteSelector stores = Sites().types({SiteType::store});
  const InventoryViews document =
      views({Channel("web").sites(kFrenchStoresAndWarehouses), Channel("vip").sites(stores)},
            {Exclude("vip-reserve", 1).sites(stores).for_channels({"vip"})});
  const Network network = paris_and_lyon(5, 1, 10);

  const Result web = sell(document, "web", kSneaker, network);
  EXPECT_EQ(web.total, 4 + 0 + 10);
  EXPECT_EQ(
      explain(web),
      (Lines{"site PAR-01: 5 on hand - 0 reserved - 1 excluded = 4 available, 100% shared = 4",
             "site LYS-01: 1 on hand - 0 reserved - 1 excluded = 0 available, 100% shared = 0",
             "site WH-LYON: 10 on hand - 0 reserved = 10 available, 100% shared = 10",
             "channel web, SKU SNK-42-BLK: 14 now + 0 future = 14 sellable"}));

  const Result vip = sell(document, "vip", kSneaker, network);
  EXPECT_EQ(vip.total, 5 + 1);
  EXPECT_EQ(explain(vip)[0], "site PAR-01: 5 on hand - 0 reserved = 5 available, 100% shared = 5");
}

TEST(SellableStock, StockDedicatedToTheMarketplaceIsHiddenFromTheWebShop) {
  const InventoryViews document = views({Channel("web"), Channel("marketplace").share(80)},
                                        {Exclude("marketplace-dedicated", 20)
                                             .sites(Sites().ids({"WH-LYON"}))
                                             .skus({"SNK-42-BLK"})
                                             .for_channels({"marketplace"})});
  Network network;
  network.site("WH-LYON", SiteType::warehouse, "FR", "69", 50)
      .site("WH-PARIS", SiteType::warehouse, "FR", "75", 50);

  const Result web = sell(document, "web", kSneaker, network);
  EXPECT_EQ(web.total, 30 + 50);
  EXPECT_EQ(explain(web)[0],
            "site WH-LYON: 50 on hand - 0 reserved - 20 excluded = 30 available, 100% shared = 30");
  EXPECT_EQ(sell(document, "marketplace", kSneaker, network).total, 40 + 40);
  EXPECT_EQ(sell(document, "web", kTshirt, network).total, 100) << "another SKU: not dedicated";
}

TEST(SellableStock, AnExclusionByCategoryCoversEverySkuOfIt) {
  const InventoryViews document =
      views({Channel("web"), Channel("outlet")},
            {Exclude("outlet-shoes", 3).category("shoes").for_channels({"outlet"})});
  Network network;
  network.site("PAR-01", SiteType::store, "FR", "75", 10);
  EXPECT_EQ(sell(document, "web", kSneaker, network).total, 7);
  EXPECT_EQ(sell(document, "web", kTshirt, network).total, 10);
  EXPECT_EQ(sell(document, "outlet", kSneaker, network).total, 10);
}

TEST(SellableStock, BelowTheMinimumDisplayAChannelShowsNothing) {
  const InventoryViews document = views({Channel("marketplace").share(80).minimum_display(3)});
  Network network;
  network.site("WH-LYON", SiteType::warehouse, "FR", "69", 3);

  const Result low = sell(document, "marketplace", kSneaker, network);
  EXPECT_EQ(low.now, 2);
  EXPECT_EQ(low.total, 0);
  EXPECT_TRUE(low.below_minimum_display);
  EXPECT_EQ(explain(low).back(),
            "channel marketplace, SKU SNK-42-BLK: 2 now + 0 future = 2, below the minimum display: "
            "0 sellable");

  network.stock(0).on_hand = 4;
  const Result enough = sell(document, "marketplace", kSneaker, network);
  EXPECT_EQ(enough.total, 3);
  EXPECT_FALSE(enough.below_minimum_display);
}

TEST(SellableStock, AnUnknownChannelSellsNothing) {
  Network network;
  network.site("PAR-01", SiteType::store, "FR", "75", 10);
  const Result result = sell(testing::retailer_views(), "b2b", kSneaker, network);
  Result expected;
  expected.channel = "b2b";
  expected.sku = "SNK-42-BLK";
  EXPECT_EQ(result, expected);
  EXPECT_FALSE(result.known_channel);
  EXPECT_EQ(explain(result), (Lines{"channel b2b is not configured: nothing is sellable"}));
}

TEST(SellableStock, ASiteTheChannelDoesNotSelectDoesNotCountOrAppear) {
  const InventoryViews document = views({Channel("web").sites(kFrenchStoresAndWarehouses),
                                         Channel("paris").sites(Sites().ids({"PAR-99"}))});
  Network network;
  network.site("PAR-01", SiteType::store, "FR", "75", 10)
      .site("BER-01", SiteType::store, "DE", "BE", 100)
      .site("PAR-DS", SiteType::dark_store, "FR", "75", 100);

  const Result web = sell(document, "web", kSneaker, network);
  EXPECT_EQ(web.total, 10);
  EXPECT_EQ(explain(web),
            (Lines{"site PAR-01: 10 on hand - 0 reserved = 10 available, 100% shared = 10",
                   "channel web, SKU SNK-42-BLK: 10 now + 0 future = 10 sellable"}));
  EXPECT_EQ(explain(sell(document, "paris", kSneaker, network)),
            (Lines{"no site is selected for channel paris",
                   "channel paris, SKU SNK-42-BLK: 0 now + 0 future = 0 sellable"}));
}

TEST(SellableStock, ReservationsAboveOnHandLeaveNothingAndSaySo) {
  Network network;
  network.site("PAR-01", SiteType::store, "FR", "75", 3, 5);  // a count found 3 of 5 reserved
  const Result result = sell(views({Channel("web")}), "web", kSneaker, network);
  EXPECT_EQ(result.total, 0);
  EXPECT_EQ(explain(result).front(),
            "site PAR-01: 3 on hand - 5 reserved = 0 available (-2 floored at 0), 100% shared = 0");
}

// ---- Laws, for any network and any valid document ----

std::vector<std::string> some_of(const std::vector<std::string>& pool) {
  std::vector<std::string> out;
  for (const std::string& value : pool) {
    if (*rc::gen::arbitrary<bool>()) out.push_back(value);
  }
  return out;
}

SiteSelector random_selector() {
  Sites sites;
  if (uniform(0, 3) == 0) {
    sites.types({*rc::gen::element(SiteType::store, SiteType::warehouse, SiteType::dark_store)});
  }
  if (uniform(0, 3) == 0) sites.countries(some_of({"FR", "DE"}));
  if (uniform(0, 4) == 0) sites.regions(some_of({"69", "75"}));
  if (uniform(0, 4) == 0) sites.ids(some_of({"S0", "S1", "S2"}));
  return sites;
}

std::string random_category() {
  return *rc::gen::element<std::string>("", "shoes", "shoes/running", "apparel", "home");
}

InventoryViews random_views(std::int32_t share_percent, bool with_holdbacks) {
  Channel web("web");
  web.sites(random_selector()).share(share_percent).horizon_days(uniform(0, 30));
  web.minimum_display(uniform<std::int64_t>(0, 20));
  std::vector<Exclusion> exclusions;
  const int holdbacks = with_holdbacks ? uniform(0, 4) : 0;
  for (int i = 0; i < holdbacks; ++i) {
    web.safety(random_selector(), random_category(), uniform<std::int64_t>(0, 10));
    exclusions.push_back(Exclude("x" + std::to_string(i), uniform<std::int64_t>(0, 10))
                             .sites(random_selector())
                             .skus(some_of({"SNK-42-BLK", "TSH-M-WHT"}))
                             .category(random_category())
                             .for_channels(some_of({"web", "vip"})));
  }
  return views({web, Channel("vip")}, std::move(exclusions));
}

Network random_network() {
  Network network;
  const int sites = uniform(1, 5);  // no site: the worked example covers it
  for (int i = 0; i < sites; ++i) {
    network.site("S" + std::to_string(i),
                 *rc::gen::element(SiteType::store, SiteType::warehouse, SiteType::dark_store),
                 *rc::gen::element<std::string>("FR", "DE"),
                 *rc::gen::element<std::string>("69", "75"), uniform<std::int64_t>(0, 500),
                 uniform<std::int64_t>(0, 600));
    const int receipts = uniform(0, 3);
    for (int r = 0; r < receipts; ++r) {
      network.receipt("PO-" + std::to_string(r), uniform<std::int64_t>(0, 100),
                      kNow + uniform<Instant>(-5 * kDay, 40 * kDay),
                      *rc::gen::element(ReceiptStatus::expected, ReceiptStatus::confirmed,
                                        ReceiptStatus::cancelled));
    }
  }
  return network;
}

const catalog::Item& random_item() { return **rc::gen::element(&kSneaker, &kTshirt); }

RC_GTEST_PROP(SellableLaws, NeverNegative, ()) {
  const InventoryViews document = random_views(uniform(0, 101), true);
  RC_ASSERT(validate(document).empty());
  const Network network = random_network();
  const Result result = sell(document, "web", random_item(), network);
  RC_TAG(result.sites.empty() ? "no site counts" : "sites count");
  RC_CLASSIFY(std::ranges::any_of(result.sites,
                                  [](const SiteContribution& s) {
                                    return s.on_hand < s.reserved + s.safety + s.excluded;
                                  }),
              "a site floored at 0");
  RC_ASSERT(result.now >= 0 && result.future >= 0 && result.total >= 0);
  for (const SiteContribution& site : result.sites) {
    RC_ASSERT(site.available >= 0 && site.shared >= 0 && site.shared <= site.available);
  }
  for (const FutureContribution& receipt : result.receipts) RC_ASSERT(receipt.quantity >= 0);
}

RC_GTEST_PROP(SellableLaws, NeverMoreThanOnHandAtSelectedSitesPlusReceiptsDueInTheHorizon, ()) {
  const InventoryViews document = random_views(uniform(0, 101), true);
  const Network network = random_network();
  const Result result = sell(document, "web", random_item(), network);
  const ChannelView& web = *document.find("web");
  std::int64_t bound = 0;
  for (std::size_t i = 0; i < network.size(); ++i) {
    if (!matches(web.sites, "S" + std::to_string(i), network.profile(i))) continue;
    bound += network.stock(i).on_hand;
    for (const auto& [id, receipt] : network.stock(i).receipts) {
      const bool due = receipt.expected_at > kNow &&
                       receipt.expected_at <= kNow + web.future_horizon_days * kDay;
      if (due && receipt.status == ReceiptStatus::expected) bound += receipt.quantity;
    }
  }
  RC_TAG(result.total == 0       ? "nothing sellable"
         : result.total == bound ? "sells exactly the bound"
                                 : "sells under the bound");
  RC_ASSERT(result.total <= bound);
}

RC_GTEST_PROP(SellableLaws, MoreStockOnHandNeverSellsLess, ()) {
  const InventoryViews document = random_views(uniform(0, 101), true);
  Network network = random_network();
  RC_PRE(network.size() > 0u);
  const catalog::Item& sku = random_item();
  const Result before = sell(document, "web", sku, network);
  const auto site = static_cast<std::size_t>(uniform<int>(0, static_cast<int>(network.size())));
  network.stock(site).on_hand += uniform<std::int64_t>(1, 50);
  const Result after = sell(document, "web", sku, network);
  RC_TAG(after.total > before.total ? "the added stock sells more" : "it sells the same");
  RC_CLASSIFY(before.total == 0, "nothing sellable before");
  RC_ASSERT(after.now >= before.now);
  RC_ASSERT(after.total >= before.total);
}

RC_GTEST_PROP(SellableLaws, AFullShareWithoutHoldbacksSellsAllThatIsAvailable, ()) {
  const InventoryViews document = random_views(100, false);
  const Network network = random_network();
  const Result result = sell(document, "web", random_item(), network);
  std::int64_t available = 0;
  for (std::size_t i = 0; i < network.size(); ++i) {
    if (matches(document.find("web")->sites, "S" + std::to_string(i), network.profile(i))) {
      available += network.stock(i).available();
    }
  }
  RC_ASSERT(result.now == available);
  RC_TAG(available == 0 ? "nothing available at the selected sites" : "stock available");
}

}  // namespace
}  // namespace ordo::domain::sellable

namespace ordo::domain::sellable {
namespace {

// Sourcing asks one site at a time: that answer must be the site's share in the full result.
RC_GTEST_PROP(SellableLaws, OneSiteAtATimeAgreesWithTheFullComputation, ()) {
  const InventoryViews document = random_views(uniform(0, 101), true);
  const Network network = random_network();
  const auto item = random_item();
  const auto stocks = network.stocks();
  const Result result = compute(document, "web", item, stocks, kNow);
  std::size_t selected = 0;
  for (const auto& stock : stocks) {
    const auto alone = sellable_at_site(document, "web", item, stock);
    const auto it = std::find_if(result.sites.begin(), result.sites.end(),
                                 [&](const auto& s) { return s.site_id == stock.site_id; });
    RC_ASSERT(alone == (it == result.sites.end() ? 0 : it->shared));
    if (it != result.sites.end()) ++selected;
  }
  RC_TAG(selected == 0 ? "no site selected" : "sites selected");
  RC_CLASSIFY(
      std::ranges::any_of(result.sites, [](const SiteContribution& s) { return s.shared > 0; }),
      "a site shares something");
  RC_ASSERT(selected == result.sites.size());
  if (!stocks.empty())
    RC_ASSERT(sellable_at_site(document, "no-such-channel", item, stocks.front()) == 0);
}

}  // namespace
}  // namespace ordo::domain::sellable
