// The order index: the keys that find an order by customer, email, channel, status, site, date,
// pending offer and customer-service queue. Internal to projections/.
#pragma once

#include <string>
#include <vector>

#include "domain/order.h"

namespace ordo::projections::internal {

/// Every index key of `order`, sorted.
[[nodiscard]] std::vector<std::string> index_keys(const domain::order::State& order);

/// True when `order` passes every (field, value) filter of a search.
[[nodiscard]] bool matches(const domain::order::State& order,
                           const std::vector<std::pair<std::string, std::string>>& filters);

}  // namespace ordo::projections::internal
