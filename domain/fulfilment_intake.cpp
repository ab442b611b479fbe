// Intake: what an order must meet before it is sourced (domain/fulfilment_internal.h).
#include <limits>

#include "domain/fulfilment_internal.h"
#include "domain/sellable.h"

namespace ordo::domain::fulfilment::detail {
namespace {

using Code = Rejection::Code;

// A channel that checks prices (a tolerance above 0) sells at its price list: each line's unit
// price is the item's price on the channel, in the channel's currency, give or take the tolerance.
std::optional<Rejection> price_problem(const order::PlaceOrder& c, const channel::Channel* channel,
                                       const Facts& facts) {
  if (channel == nullptr || channel->price_tolerance_bp <= 0) return std::nullopt;
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    const auto& line = c.lines[i];
    const auto* item = facts.item(line.sku);
    if (item == nullptr) continue;  // refused as an unknown SKU
    const std::string field = "lines/" + std::to_string(i) + "/unit_price_minor";
    const auto& listed = item->price_on(c.channel);
    if (listed.currency != channel->currency) {
      return Rejection{Code::invalid, field + ": " + line.sku + " has no price in " +
                                          channel->currency + " on channel " + c.channel};
    }
    // |sent - listed| <= listed x tolerance / 10,000, in integers: no rounding lets a price by.
    const auto difference = line.unit_price_minor > listed.minor
                                ? line.unit_price_minor - listed.minor
                                : listed.minor - line.unit_price_minor;
    const auto allowed = listed.minor / 10'000 * channel->price_tolerance_bp +
                         listed.minor % 10'000 * channel->price_tolerance_bp / 10'000;
    if (difference > allowed) {
      return Rejection{Code::invalid,
                       field + ": " + std::to_string(line.unit_price_minor) + " differs from " +
                           line.sku + "'s price of " + std::to_string(listed.minor) + " " +
                           listed.currency + " on channel " + c.channel + " by more than its " +
                           std::to_string(channel->price_tolerance_bp) + " bp tolerance"};
    }
  }
  return std::nullopt;
}

// An order takes at most what its channel shows: for each SKU, the channel's figure (now +
// future over every site, as domain/sellable.h computes it, 0 below the minimum display) bounds
// the units its lines ask. Held and reserved units are already out of the figure, so concurrent
// orders cannot together take more than was shown.
std::optional<Rejection> beyond_figure(const order::PlaceOrder& c, std::string_view view,
                                       const Facts& facts) {
  const auto* channel_view = facts.inventory_views().find(view);
  if (channel_view == nullptr) return std::nullopt;
  for (const auto& [sku, asked] : orchestration::demand_of(c.lines)) {
    const auto* item = facts.item(sku);
    if (item == nullptr) continue;
    std::int64_t now = 0;
    std::int64_t future = 0;
    for (const auto& h : facts.holdings(sku)) {
      if (h.site == nullptr) continue;
      const sellable::SiteStock at{h.site_id, h.site, h.stock};
      // Saturated: quantities come from feeds, and a wrapped sum would show stock that is not.
      const auto add = [](std::int64_t& sum, std::int64_t value) {
        if (__builtin_add_overflow(sum, value, &sum))
          sum = std::numeric_limits<std::int64_t>::max();
      };
      add(now, sellable::sellable_at_site(facts.inventory_views(), view, *item, at));
      add(future, sellable::future_at_site(facts.inventory_views(), view, at, c.at));
    }
    const auto shown = sellable::shown_total(*channel_view, now, future);
    if (asked <= shown) continue;
    std::string reason = "out of stock: channel " + c.channel + " shows " + std::to_string(shown) +
                         " of " + sku + " and the order asks " + std::to_string(asked);
    if (shown == 0 && now + future > 0) {
      reason += " (" + std::to_string(now + future) + " units, below its minimum display of " +
                std::to_string(channel_view->minimum_display) + ")";
    }
    return Rejection{Code::insufficient_stock, std::move(reason)};
  }
  return std::nullopt;
}

}  // namespace

// What a channel's master record asks of an order: its currency, a destination it sells to, a
// delivery method it offers. A channel with no record (only an inventory view) asks nothing more.
std::optional<Rejection> channel_problem(const order::PlaceOrder& c,
                                         const channel::Channel* channel) {
  if (channel == nullptr) return std::nullopt;
  const std::string who = "channel " + c.channel;
  if (c.currency != channel->currency) {
    return Rejection{Code::invalid, "currency: the order is in " + c.currency + "; " + who +
                                        " sells in " + channel->currency};
  }
  if (!channel->sells_to(c.delivery.country)) {
    std::string countries;
    for (const auto& country : channel->countries)
      countries += (countries.empty() ? "" : ", ") + country;
    return Rejection{Code::invalid, "delivery_address/country: " + who + " delivers to " +
                                        countries + ", not " + c.delivery.country};
  }
  if (!channel->offers(c.method)) {
    return Rejection{Code::invalid, "delivery_method: " + who + " does not offer " +
                                        std::string(order::to_string(c.method))};
  }
  return std::nullopt;
}

std::optional<Rejection> intake_problem(const order::PlaceOrder& c, const channel::Channel* channel,
                                        std::string_view view, const Facts& facts) {
  if (auto problem = price_problem(c, channel, facts)) return problem;
  if (c.method == order::DeliveryMethod::click_and_collect) {
    const auto excluded = facts.collect_excluded_categories();
    for (std::size_t i = 0; i < c.lines.size(); ++i) {
      const auto* item = facts.item(c.lines[i].sku);
      const std::string who = "lines/" + std::to_string(i) + "/sku: " + c.lines[i].sku;
      if (!item->click_and_collect)
        return Rejection{Code::invalid, who + " cannot be collected in store"};
      for (const auto& prefix : excluded) {
        if (item->category.starts_with(prefix)) {
          return Rejection{Code::invalid, who + " cannot be collected in store (category " +
                                              item->category +
                                              " is excluded from click and "
                                              "collect)"};
        }
      }
    }
  }
  return beyond_figure(c, view, facts);
}

// What the channel does with an address that failed validation (domain/channel.h): refuse it
// (the rejection), hold the order for customer service (true), or go on (false). A channel
// without a record goes on: the verdict stays on the order.
Result<bool, Rejection> address_policy(const order::PlaceOrder& c,
                                       const channel::Channel* channel) {
  using V = AddressCheck::Verdict;
  const auto& check = c.address_check;
  if (check.verdict != V::confirm && check.verdict != V::fix) return false;
  const auto policy = channel != nullptr ? channel->address_policy : channel::AddressPolicy::warn;
  if (policy == channel::AddressPolicy::refuse) {
    std::string reason = "delivery_address/" + check.field + ": " + check.reason;
    for (std::size_t i = 0; i < check.suggestions.size(); ++i)
      reason += (i == 0 ? "; did you mean " : " or ") + check.suggestions[i];
    return std::unexpected(Rejection{Code::invalid, std::move(reason)});
  }
  return policy == channel::AddressPolicy::hold;
}

}  // namespace ordo::domain::fulfilment::detail
