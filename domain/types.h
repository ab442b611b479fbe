// Value types shared by Ordo's aggregates and rule engines. Plain data; no I/O, clock or threads.
//
// Time is an instant in microseconds since the Unix epoch (UTC), passed in with each command.
// Money is integer minor units plus an ISO 4217 currency. Quantities are integers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/iso_codes.h"

namespace ordo::domain {

using Instant = std::int64_t;  // microseconds since the Unix epoch, UTC
inline constexpr Instant kMicrosPerDay = 86'400'000'000;

struct Money {
  std::int64_t minor = 0;  // cents, pence...
  std::string currency;    // ISO 4217, three upper-case letters
  friend bool operator==(const Money&, const Money&) = default;
};

struct Address {
  std::string name;
  std::string line1;
  std::string line2;
  std::string postcode;
  std::string city;
  std::string country;  // ISO 3166-1 alpha-2
  std::string phone;
  friend bool operator==(const Address&, const Address&) = default;
};

/// What address validation made of a delivery address at intake (adapters/address_check.h), kept
/// on the order: the verdict, why, what was suggested, and the address as the customer wrote it
/// when Ordo normalized it (its city's name in the postcode data, its postcode's form).
struct AddressCheck {
  enum class Verdict : std::uint8_t { unchecked, accept, confirm, fix };
  Verdict verdict = Verdict::unchecked;
  std::string field;  // "postcode" or "city" when not accepted
  std::string reason;
  std::vector<std::string> suggestions;  // "92100 Boulogne-Billancourt"
  Address original;                      // as written; empty when unchanged
  friend bool operator==(const AddressCheck&, const AddressCheck&) = default;
};
std::string_view to_string(AddressCheck::Verdict verdict);

/// Why a command was refused: a code the caller can act on and a sentence naming the reason.
struct Rejection {
  enum class Code : std::uint8_t {
    invalid,         // the command itself is wrong (a field out of range): never retry it
    not_found,       // the aggregate does not exist
    already_exists,  // created before with other content
    wrong_state,     // not allowed in the aggregate's current state (e.g. ship a cancelled order)
    insufficient_stock,
    lost,     // a competitive round was won by another site
    expired,  // a competitive round ended before this answer
  };
  Code code = Code::invalid;
  std::string reason;
  friend bool operator==(const Rejection&, const Rejection&) = default;
};

/// A decider's answer: the events to append (empty: nothing to do, already done) or a rejection.
template <class Event>
using Decision = Result<std::vector<Event>, Rejection>;

inline std::unexpected<Rejection> reject(Rejection::Code code, std::string reason) {
  return std::unexpected(Rejection{code, std::move(reason)});
}

/// True for an assigned ISO 3166-1 alpha-2 country code ("FR", "GB"; not "UK" or "ZZ").
inline bool is_country_code(std::string_view s) {
  return std::binary_search(kCountryCodes.begin(), kCountryCodes.end(), s);
}

/// True for an ISO 4217 currency code ("EUR", "GBP"; not "EU").
inline bool is_currency_code(std::string_view s) {
  return std::binary_search(kCurrencyCodes.begin(), kCurrencyCodes.end(), s);
}

}  // namespace ordo::domain
