// Strict reading of JSON request bodies and documents, shared by the codecs of gateway/json.
//
// A codec reads its input through one Reader, which collects every problem instead of stopping at
// the first: each is a domain::ConfigError with the RFC 6901 pointer of the offending value (or of
// the missing field) and a message naming the value, cut short. Nothing here throws on any
// nlohmann::json value, whatever its type, size, depth or (for values built in code) UTF-8.
//
// Conventions of the messages, relied upon by the API documentation:
//   "<field> is required", "unknown field \"<name>\" (known: a, b)", "expected a string, got the
//   number 42", "expected an integer, got the number 1.5", "0 is smaller than 1",
//   "\"a b\" is not an id (...)", "\"\" has 0 characters; expected 1..128".
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/id.h"
#include "base/result.h"
#include "base/utf8.h"
#include "domain/inventory_views.h"

namespace ordo::json {

/// A value read from JSON, or every problem found in its input.
template <class T>
using Parsed = Result<T, std::vector<domain::ConfigError>>;

/// The pointer of field `token` inside the value at `pointer`, escaped as RFC 6901 requires
/// ("~" as "~0", "/" as "~1").
std::string child(const std::string& pointer, std::string_view token);
/// The pointer of item `index` of the array at `pointer`.
std::string child(const std::string& pointer, std::size_t index);

/// A scalar as JSON text, cut short (about 60 bytes, at a character boundary, then "..."), always
/// valid UTF-8 (invalid bytes are replaced); "[...]" or "{...}" for an array or object, which is
/// never serialised (it may be huge or nested deeper than the stack allows); NaN or Infinity for
/// a float that JSON cannot hold (only in a json built in code).
std::string quote(const nlohmann::json& value);
/// What `value` is, for "expected X, got Y": "the string \"abc\"", "the number 4.5", "null",
/// "an array"...
std::string describe(const nlohmann::json& value);
/// "a, b, c".
std::string one_of(std::span<const std::string_view> names);

/// base/utf8.h's validator, which the reader uses.
using ordo::utf8_characters;

/// Bounds of a text field in characters, or of an array in items; both inclusive.
struct Length {
  std::size_t min = 0;
  std::size_t max = 0;
};
/// Bounds of an integer field, inclusive.
struct Range {
  std::int64_t min = 0;
  std::int64_t max = 0;
};
inline constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

/// Collects the problems of one input. Each typed reader sets `out` and returns true, or records
/// why it cannot (leaving `out` unchanged) and returns false. Not thread-safe; one per parse.
class Reader {
 public:
  bool ok() const { return errors_.empty(); }
  std::size_t error_count() const { return errors_.size(); }
  /// The problems recorded so far, in the order found; leaves the reader empty.
  std::vector<domain::ConfigError> take_errors();
  void fail(std::string pointer, std::string message);

  /// True when `value` is an object; reports each field it has that is not in `fields`.
  bool object(const nlohmann::json& value, const std::string& pointer,
              std::span<const std::string_view> fields);
  /// The field's value, or nullptr when absent (reported as "<key> is required" when `required`).
  /// `object_value` must be an object.
  const nlohmann::json* field(const nlohmann::json& object_value, const std::string& pointer,
                              std::string_view key, bool required);
  /// True when `value` is an array of `items.min`..`items.max` items. Items of a longer array are
  /// not to be read: the array is reported once, so the work stays bounded.
  bool array(const nlohmann::json& value, const std::string& pointer, Length items);

  /// Any string, as it is (NUL bytes and all).
  bool text(const nlohmann::json& value, const std::string& pointer, std::string& out);
  /// A string of valid UTF-8 without NUL bytes (which C strings and logs would cut short) of
  /// `length` characters.
  bool text_within(const nlohmann::json& value, const std::string& pointer, std::string& out,
                   Length length);
  /// A string that is_valid_id (base/id.h) accepts.
  bool identifier(const nlohmann::json& value, const std::string& pointer, std::string& out);
  bool boolean(const nlohmann::json& value, const std::string& pointer, bool& out);
  /// The index in `names` of the string `value`; `what` names the kind ("site type") in
  /// "expected a site type name, got ..." and "unknown site type \"x\" (known: ...)".
  std::optional<std::size_t> choice(const nlohmann::json& value, const std::string& pointer,
                                    std::span<const std::string_view> names, std::string_view what);

  /// A JSON integer (never a float: 2.0 and 1e3 are refused) that fits `Int`.
  template <class Int>
  bool integer(const nlohmann::json& value, const std::string& pointer, Int& out) {
    using Limits = std::numeric_limits<Int>;
    static_assert(Limits::is_integer && std::cmp_less_equal(Limits::max(), kInt64Max));
    const auto read = integer_in(
        value, pointer,
        {static_cast<std::int64_t>(Limits::min()), static_cast<std::int64_t>(Limits::max())});
    if (read) out = static_cast<Int>(*read);
    return read.has_value();
  }
  /// A JSON integer within `range`, which must fit `Int`.
  template <class Int>
  bool integer_within(const nlohmann::json& value, const std::string& pointer, Int& out,
                      Range range) {
    const auto read = integer_in(value, pointer, range);
    if (read) out = static_cast<Int>(*read);
    return read.has_value();
  }

 private:
  std::optional<std::int64_t> integer_in(const nlohmann::json& value, const std::string& pointer,
                                         Range range);

  std::vector<domain::ConfigError> errors_;
};

enum class Presence : std::uint8_t { required, optional };

/// The fields of one JSON object, read by name through a Reader. Construction checks the object
/// (reporting a non-object, or each unknown field); when it is not an object every read below does
/// nothing and returns false. Borrows `reader` and `value`, which must outlive it.
class Fields {
 public:
  Fields(Reader& reader, const nlohmann::json& value, std::string pointer,
         std::span<const std::string_view> known);

  bool valid() const { return valid_; }
  const std::string& pointer() const { return pointer_; }
  std::string pointer_of(std::string_view key) const { return child(pointer_, key); }

  /// The field's value, or nullptr when absent (a problem when required) or not an object.
  const nlohmann::json* get(std::string_view key, Presence presence);
  /// Records "<quoted value of key> is not <expectation>" at the field.
  void reject(std::string_view key, std::string_view expectation);

  bool text(std::string_view key, std::string& out, Length length, Presence presence);
  bool identifier(std::string_view key, std::string& out, Presence presence);
  bool boolean(std::string_view key, bool& out, Presence presence);
  std::optional<std::size_t> choice(std::string_view key, std::span<const std::string_view> names,
                                    std::string_view what, Presence presence);
  template <class Int>
  bool integer(std::string_view key, Int& out, Range range, Presence presence) {
    const nlohmann::json* value = get(key, presence);
    return value != nullptr && reader_.integer_within(*value, pointer_of(key), out, range);
  }

 private:
  Reader& reader_;
  const nlohmann::json& value_;
  std::string pointer_;
  bool valid_ = false;
};

}  // namespace ordo::json
