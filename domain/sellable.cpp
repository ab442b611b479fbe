#include "domain/sellable.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <gsl/assert>
#include <limits>
#include <string>

namespace ordo::domain::sellable {
namespace {

constexpr std::int64_t kQuantityMax = std::numeric_limits<std::int64_t>::max();

// Quantities come from feeds and configuration; a sum saturates rather than wrapping negative.
std::int64_t add_saturated(std::int64_t a, std::int64_t b) {
  return a > kQuantityMax - b ? kQuantityMax : a + b;
}

// compute trusts a validated document, but a negative quantity must never add stock.
std::int64_t non_negative(std::int64_t value) { return value > 0 ? value : 0; }

// floor(quantity x percent / 100) without overflowing, even for quantities near the maximum.
std::int64_t share_of(std::int64_t quantity, std::int32_t share_percent) {
  const std::int64_t percent = std::clamp<std::int64_t>(share_percent, 0, 100);
  return quantity / 100 * percent + quantity % 100 * percent / 100;
}

// Categories are paths ("shoes/running"): the prefix "shoes" covers "shoes" and "shoes/running"
// but not "shoeshine", which is what a merchandiser means by a category and its children.
bool category_matches(std::string_view prefix, std::string_view category) {
  if (prefix.empty()) return true;
  if (!category.starts_with(prefix)) return false;
  return category.size() == prefix.size() || prefix.back() == '/' || category[prefix.size()] == '/';
}

bool lists(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::int64_t safety_at(const ChannelView& view, const SiteStock& entry, const catalog::Item& item) {
  std::int64_t safety = 0;
  for (const SafetyStockRule& rule : view.safety_stock) {
    if (category_matches(rule.category_prefix, item.category) &&
        matches(rule.sites, entry.site_id, *entry.site)) {
      safety = add_saturated(safety, non_negative(rule.quantity));
    }
  }
  return safety;
}

std::int64_t excluded_at(const InventoryViews& views, std::string_view channel,
                         const SiteStock& entry, const catalog::Item& item) {
  std::int64_t excluded = 0;
  for (const Exclusion& exclusion : views.exclusions) {
    if (lists(exclusion.for_channels, channel)) continue;
    if (!exclusion.skus.empty() && !lists(exclusion.skus, item.sku)) continue;
    if (category_matches(exclusion.category_prefix, item.category) &&
        matches(exclusion.sites, entry.site_id, *entry.site)) {
      excluded = add_saturated(excluded, non_negative(exclusion.quantity));
    }
  }
  return excluded;
}

std::int64_t held_back_at(const SiteContribution& site) {
  return add_saturated(add_saturated(non_negative(site.reserved), site.safety), site.excluded);
}

// What the channel may take of a site's available units: its share of the site's stock, less
// what its orders already took there.
std::int64_t shared_of(std::int64_t available, std::int64_t share_cap, std::int64_t taken) {
  const std::int64_t left = share_cap > taken ? share_cap - taken : 0;
  return std::min(available, left);
}

std::int64_t share_cap_of(std::int64_t on_hand, std::int64_t safety, std::int64_t excluded,
                          std::int32_t share_percent) {
  const std::int64_t kept = add_saturated(safety, excluded);
  return share_of(on_hand > kept ? on_hand - kept : 0, share_percent);
}

SiteContribution contribution(const InventoryViews& views, const ChannelView& view,
                              const catalog::Item& item, const SiteStock& entry) {
  SiteContribution site{.site_id = std::string(entry.site_id),
                        .on_hand = entry.stock->on_hand,
                        .reserved = entry.stock->reserved,
                        .safety = safety_at(view, entry, item),
                        .excluded = excluded_at(views, view.channel, entry, item),
                        .held = entry.stock->held};
  site.closed = entry.site->status != domain::site::Status::open;
  const std::int64_t held_back = held_back_at(site);
  site.available = site.on_hand > held_back && !site.closed ? site.on_hand - held_back : 0;
  site.share_cap = share_cap_of(site.on_hand, site.safety, site.excluded, view.share_percent);
  site.taken = entry.stock->taken_by(view.channel);
  site.shared = shared_of(site.available, site.share_cap, site.taken);
  return site;
}

// Receipts due in (now, now + horizon]: one already due but not confirmed is late, and promising
// it would sell stock nobody has seen arrive.
void add_receipts(const ChannelView& view, const SiteStock& entry, Instant now, Result& result) {
  if (view.future_horizon_days <= 0) return;
  const Instant horizon = std::int64_t{view.future_horizon_days} * kMicrosPerDay;
  const Instant until = now > std::numeric_limits<Instant>::max() - horizon
                            ? std::numeric_limits<Instant>::max()
                            : now + horizon;
  for (const auto& [receipt_id, receipt] : entry.stock->receipts) {
    if (receipt.status != stock::ReceiptStatus::expected) continue;
    if (receipt.expected_at <= now || receipt.expected_at > until) continue;
    // Like on hand: the channel's share of the receipt, less what its pre-orders took of it, and
    // never more than is left to pre-order.
    const std::int64_t share = share_of(non_negative(receipt.quantity), view.share_percent);
    const std::int64_t quantity =
        std::min(receipt.unpromised(), non_negative(share - receipt.promised_to(view.channel)));
    if (quantity <= 0) continue;
    result.future = add_saturated(result.future, quantity);
    result.receipts.push_back(
        {std::string(entry.site_id), receipt_id, quantity, receipt.expected_at});
  }
}

bool earlier(const FutureContribution& a, const FutureContribution& b) {
  if (a.expected_at != b.expected_at) return a.expected_at < b.expected_at;
  if (a.site_id != b.site_id) return a.site_id < b.site_id;
  return a.receipt_id < b.receipt_id;
}

// "2024-06-12 08:00 UTC": the instant is UTC; the site's local time is the reader's to apply.
std::string format_instant(Instant instant) {
  using namespace std::chrono;
  const sys_time<microseconds> time{microseconds{instant}};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const auto minutes_of_day = duration_cast<minutes>(time - day).count();
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02lld:%02lld UTC",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long long>(minutes_of_day / 60),
                static_cast<long long>(minutes_of_day % 60));
  return text;
}

std::string site_line(const SiteContribution& site, std::int32_t share_percent) {
  if (site.closed) {
    return "site " + site.site_id + ": closed, " + std::to_string(site.on_hand) +
           " on hand not sellable = 0";
  }
  std::string line = "site " + site.site_id + ": " + std::to_string(site.on_hand) + " on hand - " +
                     std::to_string(site.reserved) + " reserved";
  if (site.safety != 0) line += " - " + std::to_string(site.safety) + " safety";
  if (site.excluded != 0) line += " - " + std::to_string(site.excluded) + " excluded";
  if (site.held != 0) line += " (" + std::to_string(site.held) + " of them held for offers)";
  line += " = " + std::to_string(site.available) + " available";
  // Said aloud so that a reader who does the subtraction sees why the figure is 0, not negative.
  const std::int64_t held_back = held_back_at(site);
  const std::int64_t on_hand = non_negative(site.on_hand);
  if (on_hand < held_back) {
    line += " (" + std::to_string(on_hand - held_back) + " floored at 0)";
  }
  if (share_percent >= 100) {  // the share cap is the available stock: nothing to say
    return line + ", " + std::to_string(share_percent) +
           "% shared = " + std::to_string(site.shared);
  }
  const std::int64_t kept = add_saturated(site.safety, site.excluded);
  const std::int64_t stock = on_hand > kept ? on_hand - kept : 0;
  line += "; " + std::to_string(share_percent) + "% share of " + std::to_string(stock) + " = " +
          std::to_string(site.share_cap);
  if (site.taken != 0) line += " - " + std::to_string(site.taken) + " taken by the channel";
  return line + ", shared = " + std::to_string(site.shared);
}

std::string receipt_line(const FutureContribution& receipt) {
  return "receipt " + receipt.receipt_id + " at site " + receipt.site_id + " expected " +
         format_instant(receipt.expected_at) + ": " + std::to_string(receipt.quantity) + " shared";
}

std::string total_line(const Result& result) {
  std::string line = "channel " + result.channel + ", SKU " + result.sku + ": " +
                     std::to_string(result.now) + " now + " + std::to_string(result.future) +
                     " future = ";
  if (result.below_minimum_display) {
    return line + std::to_string(add_saturated(result.now, result.future)) +
           ", below the minimum display: 0 sellable";
  }
  return line + std::to_string(result.total) + " sellable";
}

}  // namespace

Result compute(const InventoryViews& views, std::string_view channel, const catalog::Item& item,
               std::span<const SiteStock> stocks, Instant now) {
  Result result;
  result.channel = std::string(channel);
  result.sku = item.sku;
  const ChannelView* view = views.find(channel);
  if (view == nullptr) return result;
  result.known_channel = true;
  result.share_percent = view->share_percent;
  result.sites.reserve(stocks.size());
  for (const SiteStock& entry : stocks) {
    Expects(entry.site != nullptr && entry.stock != nullptr);
    if (!matches(view->sites, entry.site_id, *entry.site)) continue;
    result.sites.push_back(contribution(views, *view, item, entry));
    result.now = add_saturated(result.now, result.sites.back().shared);
    if (!result.sites.back().closed) add_receipts(*view, entry, now, result);
  }
  std::sort(result.receipts.begin(), result.receipts.end(), earlier);
  result.below_minimum_display = add_saturated(result.now, result.future) < view->minimum_display;
  result.total = shown_total(*view, result.now, result.future);
  return result;
}

std::int64_t shown_total(const ChannelView& view, std::int64_t now, std::int64_t future) {
  const std::int64_t total = add_saturated(now, future);
  return total < view.minimum_display ? 0 : total;
}

std::int64_t future_at_site(const InventoryViews& views, std::string_view channel,
                            const SiteStock& stock, Instant now) {
  const ChannelView* view = views.find(channel);
  if (view == nullptr || view->future_horizon_days <= 0) return 0;
  Expects(stock.site != nullptr && stock.stock != nullptr);
  if (!matches(view->sites, stock.site_id, *stock.site)) return 0;
  if (stock.site->status != site::Status::open) return 0;
  Result partial;
  add_receipts(*view, stock, now, partial);
  return partial.future;
}

std::vector<FutureContribution> receipts_at_site(const InventoryViews& views,
                                                 std::string_view channel, const SiteStock& stock,
                                                 Instant now) {
  const ChannelView* view = views.find(channel);
  if (view == nullptr || view->future_horizon_days <= 0) return {};
  Expects(stock.site != nullptr && stock.stock != nullptr);
  if (!matches(view->sites, stock.site_id, *stock.site)) return {};
  if (stock.site->status != site::Status::open) return {};
  Result partial;
  add_receipts(*view, stock, now, partial);
  std::sort(partial.receipts.begin(), partial.receipts.end(), earlier);
  return std::move(partial.receipts);
}

std::int64_t sellable_at_site(const InventoryViews& views, std::string_view channel,
                              const catalog::Item& item, const SiteStock& stock) {
  const ChannelView* view = views.find(channel);
  if (view == nullptr) return 0;
  Expects(stock.site != nullptr && stock.stock != nullptr);
  if (!matches(view->sites, stock.site_id, *stock.site)) return 0;
  if (stock.site->status != site::Status::open) return 0;
  // The same arithmetic as contribution(), which a property test holds it to.
  const std::int64_t safety = safety_at(*view, stock, item);
  const std::int64_t excluded = excluded_at(views, view->channel, stock, item);
  const std::int64_t held_back =
      add_saturated(add_saturated(non_negative(stock.stock->reserved), safety), excluded);
  const std::int64_t on_hand = stock.stock->on_hand;
  const std::int64_t available = on_hand > held_back ? on_hand - held_back : 0;
  return shared_of(available, share_cap_of(on_hand, safety, excluded, view->share_percent),
                   stock.stock->taken_by(view->channel));
}

std::vector<std::string> explain(const Result& result) {
  std::vector<std::string> lines;
  if (!result.known_channel) {
    lines.push_back("channel " + result.channel + " is not configured: nothing is sellable");
    return lines;
  }
  if (result.sites.empty()) {
    lines.push_back("no site is selected for channel " + result.channel);
  }
  for (const SiteContribution& site : result.sites)
    lines.push_back(site_line(site, result.share_percent));
  for (const FutureContribution& receipt : result.receipts) lines.push_back(receipt_line(receipt));
  lines.push_back(total_line(result));
  return lines;
}

}  // namespace ordo::domain::sellable
