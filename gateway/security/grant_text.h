// Grants written as text, for the CLI's --grant and for people reading them:
// "[deny:]ROLE[:DIMENSION=V1,V2[;DIMENSION=...]]", DIMENSION one of country, channel, brand, site;
// e.g. "customer_service:country=FR,BE;brand=velo" or "deny:business_analyst:channel=marketplace".
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/authorization.h"

namespace ordo::gateway {

/// The grant, or invalid_argument naming what is wrong (an unknown role or dimension, an empty
/// value, a machine role, a country that is not ISO 3166-1 alpha-2, an id that is not an id).
Result<domain::access::Grant> parse_grant(std::string_view text);
/// The text parse_grant reads back (scope values sorted).
std::string grant_text(const domain::access::Grant& grant);

}  // namespace ordo::gateway
