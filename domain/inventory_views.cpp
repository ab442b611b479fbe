#include "domain/inventory_views.h"

#include <algorithm>
#include <cstddef>
#include <string>

namespace ordo::domain {
namespace {

// A longer horizon would promise receipts no buyer waits for, and a typo (3650 for 365) would
// show stock that does not exist yet.
constexpr std::int32_t kFutureHorizonDaysMax = 365;

std::string at(const std::string& pointer, std::string_view field) {
  return pointer + "/" + std::string(field);
}

std::string at(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

std::string quoted(std::string_view value) { return "\"" + std::string(value) + "\""; }

template <class T, class V>
bool contains(const std::vector<T>& values, const V& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

void require_non_negative(std::int64_t value, const std::string& pointer, std::string_view field,
                          std::vector<ConfigError>& errors) {
  if (value < 0) {
    errors.push_back({at(pointer, field),
                      std::string(field) + " " + std::to_string(value) + " must not be negative"});
  }
}

void require_in_range(std::int32_t value, std::int32_t max, const std::string& pointer,
                      std::string_view field, std::vector<ConfigError>& errors) {
  if (value < 0 || value > max) {
    errors.push_back({at(pointer, field), std::string(field) + " " + std::to_string(value) +
                                              " is outside 0.." + std::to_string(max)});
  }
}

// An empty id or region in a list never matches any site: almost surely a slip in the document.
void require_no_empty_entries(const std::vector<std::string>& values, const std::string& pointer,
                              std::string_view what, std::vector<ConfigError>& errors) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i].empty()) errors.push_back({at(pointer, i), std::string(what) + " is empty"});
  }
}

void validate_selector(const SiteSelector& selector, const std::string& pointer,
                       std::vector<ConfigError>& errors) {
  require_no_empty_entries(selector.site_ids, at(pointer, "site_ids"), "site id", errors);
  require_no_empty_entries(selector.regions, at(pointer, "regions"), "region", errors);
  for (std::size_t i = 0; i < selector.types.size(); ++i) {
    const auto type = static_cast<unsigned>(selector.types[i]);
    if (type > static_cast<unsigned>(site::SiteType::pickup_point)) {
      errors.push_back({at(at(pointer, "types"), i), "unknown site type " + std::to_string(type)});
    }
  }
  for (std::size_t i = 0; i < selector.countries.size(); ++i) {
    if (!is_country_code(selector.countries[i])) {
      errors.push_back({at(at(pointer, "countries"), i),
                        quoted(selector.countries[i]) +
                            " is not an ISO 3166-1 alpha-2 country code (two upper-case letters)"});
    }
  }
}

// An id (a channel's, an exclusion's name) that is required and unique within its list: each
// rule and each explanation line refers to it.
template <class T>
void require_unique_id(const std::vector<T>& items, std::string T::*id, std::size_t index,
                       const std::string& list_pointer, std::string_view field,
                       std::string_view kind, std::vector<ConfigError>& errors) {
  const std::string& value = items[index].*id;
  const std::string pointer = at(at(list_pointer, index), field);
  if (value.empty()) {
    errors.push_back({pointer, std::string(field) + " is required"});
    return;
  }
  for (std::size_t earlier = 0; earlier < index; ++earlier) {
    if (items[earlier].*id == value) {
      errors.push_back({pointer, std::string(kind) + " " + quoted(value) +
                                     " is already defined at " + at(list_pointer, earlier)});
      return;
    }
  }
}

void validate_channel(const InventoryViews& views, std::size_t index,
                      std::vector<ConfigError>& errors) {
  const ChannelView& view = views.channels[index];
  const std::string pointer = at(std::string("/channels"), index);
  require_unique_id(views.channels, &ChannelView::channel, index, "/channels", "channel", "channel",
                    errors);
  validate_selector(view.sites, at(pointer, "sites"), errors);
  require_in_range(view.share_percent, 100, pointer, "share_percent", errors);
  for (std::size_t i = 0; i < view.safety_stock.size(); ++i) {
    const std::string rule = at(at(pointer, "safety_stock"), i);
    validate_selector(view.safety_stock[i].sites, at(rule, "sites"), errors);
    require_non_negative(view.safety_stock[i].quantity, rule, "quantity", errors);
  }
  require_in_range(view.future_horizon_days, kFutureHorizonDaysMax, pointer, "future_horizon_days",
                   errors);
  require_non_negative(view.minimum_display, pointer, "minimum_display", errors);
}

void validate_exclusion(const InventoryViews& views, std::size_t index,
                        std::vector<ConfigError>& errors) {
  const Exclusion& exclusion = views.exclusions[index];
  const std::string pointer = at(std::string("/exclusions"), index);
  require_unique_id(views.exclusions, &Exclusion::name, index, "/exclusions", "name", "exclusion",
                    errors);
  validate_selector(exclusion.sites, at(pointer, "sites"), errors);
  require_no_empty_entries(exclusion.skus, at(pointer, "skus"), "SKU", errors);
  require_non_negative(exclusion.quantity, pointer, "quantity", errors);
  for (std::size_t i = 0; i < exclusion.for_channels.size(); ++i) {
    const std::string& channel = exclusion.for_channels[i];
    if (views.find(channel) == nullptr) {
      errors.push_back({at(at(pointer, "for_channels"), i),
                        "channel " + quoted(channel) + " is not defined in /channels"});
    }
  }
}

}  // namespace

const ChannelView* InventoryViews::find(std::string_view channel) const {
  for (const ChannelView& view : channels) {
    if (view.channel == channel) return &view;
  }
  return nullptr;
}

std::vector<ConfigError> validate(const InventoryViews& views) {
  std::vector<ConfigError> errors;
  for (std::size_t i = 0; i < views.channels.size(); ++i) validate_channel(views, i, errors);
  for (std::size_t i = 0; i < views.exclusions.size(); ++i) validate_exclusion(views, i, errors);
  return errors;
}

void validate_site_selector(const SiteSelector& selector, const std::string& pointer,
                            std::vector<ConfigError>& errors) {
  validate_selector(selector, pointer, errors);
}

bool matches(const SiteSelector& selector, std::string_view site_id, const site::Profile& site) {
  return (selector.site_ids.empty() || contains(selector.site_ids, site_id)) &&
         (selector.types.empty() || contains(selector.types, site.type)) &&
         (selector.countries.empty() || contains(selector.countries, site.country)) &&
         (selector.regions.empty() || contains(selector.regions, site.region));
}

}  // namespace ordo::domain
