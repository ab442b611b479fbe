#include "domain/references.h"

namespace ordo::domain::references {

std::vector<std::string> of_item(const catalog::Item& item, const Directory& directory) {
  std::vector<std::string> out;
  if (!item.brand.empty() && !directory.brand_exists(item.brand)) {
    out.push_back("brand: no brand has the id '" + item.brand + "'");
  }
  for (std::size_t i = 0; i < item.prices.size(); ++i) {
    const auto& p = item.prices[i];
    const std::string at = "prices/" + std::to_string(i);
    const auto* c = directory.channel(p.channel);
    if (c == nullptr) {
      out.push_back(at + "/channel: no channel has the id '" + p.channel + "'");
    } else if (c->currency != p.price.currency) {
      out.push_back(at + "/currency: " + p.price.currency + " is not the currency of channel " +
                    p.channel + " (" + c->currency + ")");
    }
  }
  return out;
}

std::vector<std::string> of_channel(const channel::Channel& channel, const Directory& directory) {
  std::vector<std::string> out;
  if (!channel.brand.empty() && !directory.brand_exists(channel.brand)) {
    out.push_back("brand: no brand has the id '" + channel.brand + "'");
  }
  if (!directory.inventory_view_exists(channel.view_name())) {
    out.push_back("inventory_view: the inventory_views configuration has no view '" +
                  channel.view_name() + "'");
  }
  return out;
}

std::vector<std::string> of_site(const site::Profile& profile, const Directory& directory) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < profile.brands.size(); ++i) {
    if (!directory.brand_exists(profile.brands[i])) {
      out.push_back("brands/" + std::to_string(i) + ": no brand has the id '" + profile.brands[i] +
                    "'");
    }
  }
  return out;
}

std::optional<Rejection> rejection(std::string_view what,
                                   const std::vector<std::string>& problems) {
  if (problems.empty()) return std::nullopt;
  std::string reason(what);
  reason += ":";
  for (const auto& p : problems) reason += "\n" + p;
  return Rejection{Rejection::Code::invalid, std::move(reason)};
}

}  // namespace ordo::domain::references
