// Sales channel: where orders come from (a web shop, a marketplace, the stores' tills), with the
// countries it sells to, its currency, its brand, the stock it may sell (an inventory view of the
// `inventory_views` configuration) and the delivery methods it offers. Stream:
// "channel-<channel_id>".
#pragma once

#include <variant>

#include "domain/order.h"
#include "domain/types.h"

namespace ordo::domain::channel {

/// What intake does with an order whose delivery address fails validation.
enum class AddressPolicy : std::uint8_t {
  refuse,  // 422: the customer fixes it
  hold,    // accepted and held for customer service before sourcing
  warn,    // accepted and sourced; the verdict is kept on the order
};
std::string_view to_string(AddressPolicy policy);
std::optional<AddressPolicy> address_policy_from_string(std::string_view text);

struct Channel {
  std::string channel_id;              // base/id.h rule, e.g. "web-fr"
  std::string name;                    // e.g. "Web shop France"
  std::vector<std::string> countries;  // ISO 3166-1 alpha-2 it delivers to, at least one
  std::string currency;                // ISO 4217: every order and price of the channel
  std::string brand;                   // a brand id, or "" for a multi-brand channel
  std::string inventory_view;          // the inventory view it sells from ("" = channel_id)
  std::vector<order::DeliveryMethod> delivery_methods;  // at least one, no repeats
  AddressPolicy address_policy = AddressPolicy::refuse;
  // How far an order's unit prices may differ from the price list (the item's price on this
  // channel), in basis points, 1..10000 (1: the listed price, to the cent on prices below 100.00).
  // 0: prices are taken as the channel sends them (the channel owns its prices and promotions).
  std::int32_t price_tolerance_bp = 0;
  friend bool operator==(const Channel&, const Channel&) = default;

  /// The inventory view's name: `inventory_view`, or the channel's id when empty.
  const std::string& view_name() const {
    return inventory_view.empty() ? channel_id : inventory_view;
  }
  bool sells_to(std::string_view country) const;
  bool offers(order::DeliveryMethod method) const;
};

struct DefineChannel {
  Channel channel;
  Instant at = 0;
};
using Command = std::variant<DefineChannel>;

struct ChannelDefined {
  Channel channel;
  friend bool operator==(const ChannelDefined&, const ChannelDefined&) = default;
};
struct ChannelChanged {
  Channel channel;
  friend bool operator==(const ChannelChanged&, const ChannelChanged&) = default;
};
using Event = std::variant<ChannelDefined, ChannelChanged>;

struct State {
  bool exists = false;
  Channel channel;
  friend bool operator==(const State&, const State&) = default;
};

/// Every problem of a channel's own fields, as "<field>: <message>" (empty when valid).
std::vector<std::string> problems(const Channel& channel);

/// DefineChannel: ChannelDefined for a new id, ChannelChanged when any field differs, nothing
/// when equal. Invalid: any of `problems`, one per line. References (brand, inventory view) are
/// checked by domain/references.h.
Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

}  // namespace ordo::domain::channel
