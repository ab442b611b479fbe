// Address validation at intake, from the real postcode data (adapters/postcodes.h): is the
// postcode well formed for the country, does it exist, and is the city one of the places that
// carry it? A verdict the channel acts on (domain/channel.h's address policy):
//   accept   the address is deliverable as written (the city may be normalized: "St Etienne" is
//            Saint-Étienne, "Munich" is München, a CEDEX is recognized);
//   confirm  it probably is, but the customer should confirm a suggestion (a city that exists
//            under another postcode, a near spelling);
//   fix      it cannot be delivered as written (a malformed or unknown postcode, a city not at that
//            postcode and nowhere near it).
// Countries without postcode data are accepted unchecked. GB postcodes are checked by their
// outward code (the data has no town per district). Pure function of the gazetteer; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/postcodes.h"

namespace ordo::adapters {

enum class AddressVerdict : std::uint8_t { accept, confirm, fix };
std::string_view to_string(AddressVerdict verdict);

struct AddressCheck {
  AddressVerdict verdict = AddressVerdict::accept;
  bool checked = true;                   // false: no postcode data for the country
  std::string field;                     // "postcode" or "city" when not accepted as written
  std::string reason;                    // a sentence for the customer or customer service
  std::string postcode;                  // normalized: "75002", "SW1A 1AA"
  std::string city;                      // the place's name in the data when found
  std::vector<std::string> suggestions;  // "92100 Boulogne-Billancourt", ...
};

AddressCheck check_address(const Gazetteer& gazetteer, std::string_view country,
                           std::string_view postcode, std::string_view city);

}  // namespace ordo::adapters
