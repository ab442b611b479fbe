#include "domain/channel.h"

#include <algorithm>

#include "base/id.h"

namespace ordo::domain::channel {
namespace {

constexpr std::string_view kPolicyNames[] = {"refuse", "hold", "warn"};
constexpr std::int32_t kToleranceBpMax = 10'000;

void check_countries(const Channel& c, std::vector<std::string>& out) {
  if (c.countries.empty()) out.push_back("countries: at least one country is required");
  for (std::size_t i = 0; i < c.countries.size(); ++i) {
    const auto& country = c.countries[i];
    if (!is_country_code(country)) {
      out.push_back("countries/" + std::to_string(i) + ": \"" + country +
                    "\" is not an ISO 3166-1 alpha-2 code");
    } else if (std::find(c.countries.begin(), c.countries.begin() + static_cast<long>(i),
                         country) != c.countries.begin() + static_cast<long>(i)) {
      out.push_back("countries/" + std::to_string(i) + ": " + country + " is listed twice");
    }
  }
}

void check_methods(const Channel& c, std::vector<std::string>& out) {
  if (c.delivery_methods.empty()) {
    out.push_back("delivery_methods: at least one delivery method is required");
  }
  for (std::size_t i = 0; i < c.delivery_methods.size(); ++i) {
    const auto begin = c.delivery_methods.begin();
    if (std::find(begin, begin + static_cast<long>(i), c.delivery_methods[i]) !=
        begin + static_cast<long>(i)) {
      out.push_back("delivery_methods/" + std::to_string(i) + ": " +
                    std::string(order::to_string(c.delivery_methods[i])) + " is listed twice");
    }
  }
}

}  // namespace

std::string_view to_string(AddressPolicy policy) {
  return kPolicyNames[static_cast<std::size_t>(policy)];
}

std::optional<AddressPolicy> address_policy_from_string(std::string_view text) {
  for (std::size_t i = 0; i < std::size(kPolicyNames); ++i) {
    if (kPolicyNames[i] == text) return static_cast<AddressPolicy>(i);
  }
  return std::nullopt;
}

bool Channel::sells_to(std::string_view country) const {
  return std::find(countries.begin(), countries.end(), country) != countries.end();
}

bool Channel::offers(order::DeliveryMethod method) const {
  return std::find(delivery_methods.begin(), delivery_methods.end(), method) !=
         delivery_methods.end();
}

std::vector<std::string> problems(const Channel& c) {
  std::vector<std::string> out;
  if (!is_valid_id(c.channel_id)) {
    out.push_back("channel_id: '" + c.channel_id + "' must be " + std::string(kIdRule));
  }
  if (c.name.empty()) out.push_back("name: is required");
  check_countries(c, out);
  if (!is_currency_code(c.currency)) {
    out.push_back("currency: \"" + c.currency + "\" is not an ISO 4217 code");
  }
  if (!c.brand.empty() && !is_valid_id(c.brand)) {
    out.push_back("brand: '" + c.brand + "' must be " + std::string(kIdRule));
  }
  if (!c.inventory_view.empty() && !is_valid_id(c.inventory_view)) {
    out.push_back("inventory_view: '" + c.inventory_view + "' must be " + std::string(kIdRule));
  }
  check_methods(c, out);
  if (c.price_tolerance_bp < 0 || c.price_tolerance_bp > kToleranceBpMax) {
    out.push_back("price_tolerance_bp: " + std::to_string(c.price_tolerance_bp) +
                  " is outside 0..10000");
  }
  return out;
}

Decision<Event> decide(const Command& command, const State& state) {
  const auto& c = std::get<DefineChannel>(command).channel;
  if (const auto found = problems(c); !found.empty()) {
    std::string reason = "channel " + c.channel_id + ":";
    for (const auto& p : found) reason += "\n" + p;
    return reject(Rejection::Code::invalid, std::move(reason));
  }
  if (!state.exists) return std::vector<Event>{ChannelDefined{c}};
  if (c.channel_id != state.channel.channel_id) {
    return reject(Rejection::Code::invalid, "channel " + c.channel_id +
                                                " was sent to the stream of channel " +
                                                state.channel.channel_id);
  }
  if (c == state.channel) return std::vector<Event>{};
  return std::vector<Event>{ChannelChanged{c}};
}

State evolve(State state, const Event& event) {
  std::visit(
      [&](const auto& e) {
        state.exists = true;
        state.channel = e.channel;
      },
      event);
  return state;
}

}  // namespace ordo::domain::channel
