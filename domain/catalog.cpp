#include "domain/catalog.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "base/id.h"

namespace ordo::domain::catalog {
namespace {

std::optional<std::string> item_problem(const Item& item) {
  if (item.sku.empty()) return "the SKU is required";
  if (!is_valid_id(item.sku)) return "SKU '" + item.sku + "' must be " + std::string(kIdRule);
  const std::string who = "item " + item.sku;
  if (item.name.empty()) return who + " has no name";
  if (item.weight_g < 0)
    return who + ": weight " + std::to_string(item.weight_g) + " g is negative";
  if (item.volume_cm3 < 0) {
    return who + ": volume " + std::to_string(item.volume_cm3) + " cm3 is negative";
  }
  if (item.price.minor < 0) {
    return who + ": price " + std::to_string(item.price.minor) + " (minor units) is negative";
  }
  if (!is_currency_code(item.price.currency)) {
    return who + ": currency \"" + item.price.currency + "\" is not an ISO 4217 code";
  }
  for (std::size_t i = 0; i < item.prices.size(); ++i) {
    const auto& p = item.prices[i];
    const std::string at = who + ": prices/" + std::to_string(i);
    if (!is_valid_id(p.channel)) return at + ": channel '" + p.channel + "' is not a valid id";
    if (p.price.minor < 0) return at + ": price " + std::to_string(p.price.minor) + " is negative";
    if (!is_currency_code(p.price.currency)) {
      return at + ": currency \"" + p.price.currency + "\" is not an ISO 4217 code";
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (item.prices[j].channel == p.channel) return at + ": a second price for " + p.channel;
    }
  }
  return std::nullopt;
}

Decision<Event> decide_one(const DefineItem& given, const State& s) {
  DefineItem c = given;
  if (!c.prices_given && s.exists) c.item.prices = s.item.prices;
  if (auto problem = item_problem(c.item)) return reject(Rejection::Code::invalid, *problem);
  if (!s.exists) return std::vector<Event>{ItemDefined{c.item}};
  // The stream is "item-<sku>": another SKU here is a routing mistake, not a rename.
  if (c.item.sku != s.item.sku) {
    return reject(Rejection::Code::invalid,
                  "item " + c.item.sku + " was sent to the stream of item " + s.item.sku);
  }
  if (c.item == s.item) return std::vector<Event>{};
  return std::vector<Event>{ItemChanged{c.item}};
}

Decision<Event> decide_one(const SetChannelPrice& c, const State& s) {
  if (!s.exists) return reject(Rejection::Code::not_found, "item " + c.sku + " does not exist");
  Item item = s.item;
  auto it = std::find_if(item.prices.begin(), item.prices.end(),
                         [&](const ChannelPrice& p) { return p.channel == c.price.channel; });
  if (it == item.prices.end())
    item.prices.push_back(c.price);
  else
    *it = c.price;
  return decide_one(DefineItem{std::move(item), c.at}, s);
}

}  // namespace

const Money& Item::price_on(std::string_view channel) const {
  for (const auto& p : prices) {
    if (p.channel == channel) return p.price;
  }
  return price;
}

Decision<Event> decide(const Command& command, const State& state) {
  return std::visit([&](const auto& c) { return decide_one(c, state); }, command);
}

State evolve(State state, const Event& event) {
  // Both events carry the whole item: the state is simply the latest definition.
  std::visit(
      [&](const auto& e) {
        state.exists = true;
        state.item = e.item;
      },
      event);
  return state;
}

}  // namespace ordo::domain::catalog
