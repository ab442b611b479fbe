// Master data points at other master data: an item at its brand and at the channels it is priced
// on, a channel at its brand and inventory view, a site at the brands it carries. These checks run
// before the aggregate's own decider, against what the engine knows when the command is decided.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/catalog.h"
#include "domain/channel.h"
#include "domain/site.h"

namespace ordo::domain::references {

/// What the checks may look up. Implemented by the engine over its state.
class Directory {
 public:
  virtual ~Directory() = default;
  [[nodiscard]] virtual bool brand_exists(std::string_view brand_id) const = 0;
  /// nullptr when no channel has this id.
  [[nodiscard]] virtual const channel::Channel* channel(std::string_view channel_id) const = 0;
  /// True when the `inventory_views` configuration has a view of this name.
  [[nodiscard]] virtual bool inventory_view_exists(std::string_view name) const = 0;
};

/// Every broken reference of an item, as "<field>: <message>": an unknown brand (when set), a
/// price on an unknown channel or in a currency other than that channel's.
std::vector<std::string> of_item(const catalog::Item& item, const Directory& directory);
/// A channel's unknown brand (when set) or inventory view.
std::vector<std::string> of_channel(const channel::Channel& channel, const Directory& directory);
/// A site's unknown brands.
std::vector<std::string> of_site(const site::Profile& profile, const Directory& directory);

/// The rejection for `problems` of the record named `what` (e.g. "item SKU-1"): invalid, one
/// problem per line; nullopt when there is none.
std::optional<Rejection> rejection(std::string_view what, const std::vector<std::string>& problems);

}  // namespace ordo::domain::references
