// A model of grants for property tests: a small retailer (two countries, channels, brands and
// sites) whose every point (permission, country, channel, brand, site) is enumerated, and whether
// a list of grants allows a permission at one point, decided here without domain/authorization's
// matching code (only its role table, which the role-table test checks on its own).
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <string>
#include <vector>

#include "domain/authorization.h"

namespace ordo::domain::access {

inline Grant allow(Role role, GrantScope scope = {}) {
  return {role, std::move(scope), Effect::allow};
}
inline Grant deny(Role role, GrantScope scope = {}) {
  return {role, std::move(scope), Effect::deny};
}
inline Target order_in(std::string country, std::string channel, std::string brand,
                       std::string site) {
  return {std::move(channel), {std::move(site)}, {std::move(country)}, {std::move(brand)}};
}

inline const std::vector<std::string> kCountries = {"FR", "DE"}, kChannels = {"web", "shop"},
                                      kBrands = {"nordika", "velo"},
                                      kSites = {"FR-CAEN", "DE-KOLN"};

inline bool in(const std::vector<std::string>& limit, const std::string& value) {
  return limit.empty() || std::find(limit.begin(), limit.end(), value) != limit.end();
}

// Whether the grants allow the permission at one point: some allow grant reaches it, no deny does.
inline bool model_allows(const std::vector<Grant>& grants, Permission p, const std::string& country,
                         const std::string& channel, const std::string& brand,
                         const std::string& site) {
  bool allowed = false;
  for (const auto& g : grants) {
    const bool reaches = role_grants(g.role, p) && in(g.scope.countries, country) &&
                         in(g.scope.channels, channel) && in(g.scope.brands, brand) &&
                         in(g.scope.sites, site);
    if (reaches && g.effect == Effect::deny) return false;
    allowed = allowed || reaches;
  }
  return allowed;
}

template <class F>
void for_each_point(F f) {
  for (const auto p : all_permissions())
    for (const auto& c : kCountries)
      for (const auto& ch : kChannels)
        for (const auto& b : kBrands)
          for (const auto& s : kSites) f(p, c, ch, b, s);
}

inline rc::Gen<std::vector<std::string>> subset(const std::vector<std::string>& of) {
  return rc::gen::map(rc::gen::container<std::vector<bool>>(of.size(), rc::gen::arbitrary<bool>()),
                      [of](const std::vector<bool>& pick) {
                        std::vector<std::string> out;
                        for (std::size_t i = 0; i < of.size(); ++i)
                          if (pick[i]) out.push_back(of[i]);
                        return out;
                      });
}

inline rc::Gen<Grant> grant(bool with_deny) {
  return rc::gen::build<Grant>(
      rc::gen::set(&Grant::role, rc::gen::elementOf(all_roles())),
      rc::gen::set(&Grant::scope, rc::gen::build<GrantScope>(
                                      rc::gen::set(&GrantScope::countries, subset(kCountries)),
                                      rc::gen::set(&GrantScope::channels, subset(kChannels)),
                                      rc::gen::set(&GrantScope::brands, subset(kBrands)),
                                      rc::gen::set(&GrantScope::sites, subset(kSites)))),
      rc::gen::set(&Grant::effect, with_deny ? rc::gen::weightedElement<Effect>(
                                                   {{4, Effect::allow}, {1, Effect::deny}})
                                             : rc::gen::just(Effect::allow)));
}

inline rc::Gen<std::vector<Grant>> grants_of(std::size_t min, std::size_t max, bool with_deny) {
  return rc::gen::mapcat(rc::gen::inRange(min, max), [with_deny](std::size_t n) {
    return rc::gen::container<std::vector<Grant>>(n, grant(with_deny));
  });
}

}  // namespace ordo::domain::access
