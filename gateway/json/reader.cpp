#include "gateway/json/reader.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ordo::json {
namespace {

using nlohmann::json;

// A message quotes the offending value; a pasted megabyte must not become the message.
constexpr std::size_t kQuotedValueChars = 60;

// `text` (JSON text) cut to at most kQuotedValueChars bytes without splitting a UTF-8 character,
// then "...".
std::string cut_short(std::string text) {
  if (text.size() <= kQuotedValueChars) return text;
  std::size_t end = kQuotedValueChars;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  text.resize(end);
  return text + "...";
}

// Only a prefix is serialised: each byte gives at least one byte of JSON text, so the prefix
// yields everything that survives the cut.
std::string quote_text(std::string_view text) {
  const json prefix = std::string(text.substr(0, kQuotedValueChars + 1));
  return cut_short(prefix.dump(-1, ' ', false, json::error_handler_t::replace));
}

// "3", "at most 200", "1..128".
std::string bounds(Length length) {
  if (length.min == length.max) return std::to_string(length.min);
  if (length.min == 0) return "at most " + std::to_string(length.max);
  return std::to_string(length.min) + ".." + std::to_string(length.max);
}

std::string count_of(std::size_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

}  // namespace

std::string child(const std::string& pointer, std::string_view token) {
  std::string out = pointer + "/";
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string child(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

std::string quote(const json& value) {
  if (value.is_array()) return "[...]";
  if (value.is_object()) return "{...}";
  if (value.is_binary()) return "<binary>";
  if (value.is_string()) return quote_text(value.get_ref<const std::string&>());
  if (value.is_number_float() && !std::isfinite(value.get<double>())) {
    const double number = value.get<double>();  // only in a json built in code; dump says null
    return std::isnan(number) ? "NaN" : (number > 0 ? "Infinity" : "-Infinity");
  }
  return cut_short(value.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::string describe(const json& value) {
  if (value.is_string()) return "the string " + quote(value);
  if (value.is_boolean()) return "the boolean " + quote(value);
  if (value.is_number()) return "the number " + quote(value);
  if (value.is_null()) return "null";
  if (value.is_binary()) return "binary data";
  if (value.is_discarded()) return "a discarded value (not valid JSON)";
  return value.is_array() ? "an array" : "an object";
}

std::string one_of(std::span<const std::string_view> names) {
  std::string text;
  for (std::string_view name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

std::vector<domain::ConfigError> Reader::take_errors() { return std::exchange(errors_, {}); }

void Reader::fail(std::string pointer, std::string message) {
  errors_.push_back({std::move(pointer), std::move(message)});
}

bool Reader::object(const json& value, const std::string& pointer,
                    std::span<const std::string_view> fields) {
  if (!value.is_object()) {
    fail(pointer, "expected an object, got " + describe(value));
    return false;
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string& key = it.key();
    if (std::find(fields.begin(), fields.end(), key) == fields.end()) {
      fail(child(pointer, key),
           "unknown field " + quote_text(key) + " (known: " + one_of(fields) + ")");
    }
  }
  return true;
}

const json* Reader::field(const json& object_value, const std::string& pointer,
                          std::string_view key, bool required) {
  const auto found = object_value.find(std::string(key));
  if (found != object_value.end()) return &*found;
  if (required) fail(child(pointer, key), std::string(key) + " is required");
  return nullptr;
}

bool Reader::array(const json& value, const std::string& pointer, Length items) {
  if (!value.is_array()) {
    fail(pointer, "expected an array, got " + describe(value));
    return false;
  }
  if (value.size() < items.min || value.size() > items.max) {
    fail(pointer, "expected " + bounds(items) + " items, got " + std::to_string(value.size()));
    return false;
  }
  return true;
}

bool Reader::text(const json& value, const std::string& pointer, std::string& out) {
  if (!value.is_string()) {
    fail(pointer, "expected a string, got " + describe(value));
    return false;
  }
  // The log stores texts as C strings (FlatBuffers' CreateString of c_str()): a NUL would cut
  // them short on replay, so no text Ordo keeps may hold one.
  if (value.get_ref<const std::string&>().find('\0') != std::string::npos) {
    fail(pointer, quote(value) + " contains a NUL character");
    return false;
  }
  out = value.get_ref<const std::string&>();
  return true;
}

bool Reader::text_within(const json& value, const std::string& pointer, std::string& out,
                         Length length) {
  if (!value.is_string()) {
    fail(pointer, "expected a string, got " + describe(value));
    return false;
  }
  const std::string& text = value.get_ref<const std::string&>();
  const std::optional<std::size_t> characters = utf8_characters(text);
  if (!characters) {
    fail(pointer, quote(value) + " is not valid UTF-8");
  } else if (text.find('\0') != std::string::npos) {
    fail(pointer, quote(value) + " contains a NUL character");
  } else if (*characters < length.min || *characters > length.max) {
    fail(pointer, quote(value) + " has " + count_of(*characters, "character") + "; expected " +
                      bounds(length));
  } else {
    out = text;
    return true;
  }
  return false;
}

bool Reader::identifier(const json& value, const std::string& pointer, std::string& out) {
  if (!value.is_string()) {
    fail(pointer, "expected a string, got " + describe(value));
    return false;
  }
  const std::string& text = value.get_ref<const std::string&>();
  if (!is_valid_id(text)) {
    fail(pointer, quote(value) + " is not an id (" + std::string(kIdRule) + ")");
    return false;
  }
  out = text;
  return true;
}

bool Reader::boolean(const json& value, const std::string& pointer, bool& out) {
  if (!value.is_boolean()) {
    fail(pointer, "expected a boolean, got " + describe(value));
    return false;
  }
  out = value.get<bool>();
  return true;
}

std::optional<std::size_t> Reader::choice(const json& value, const std::string& pointer,
                                          std::span<const std::string_view> names,
                                          std::string_view what) {
  if (!value.is_string()) {
    fail(pointer, "expected a " + std::string(what) + " name, got " + describe(value));
    return std::nullopt;
  }
  const std::string& name = value.get_ref<const std::string&>();
  const auto found = std::find(names.begin(), names.end(), name);
  if (found != names.end()) return static_cast<std::size_t>(found - names.begin());
  fail(pointer,
       "unknown " + std::string(what) + " " + quote(value) + " (known: " + one_of(names) + ")");
  return std::nullopt;
}

// Non-negative JSON integers arrive as unsigned (up to 2^64 - 1), negative ones as signed.
std::optional<std::int64_t> Reader::integer_in(const json& value, const std::string& pointer,
                                               Range range) {
  if (!value.is_number_integer()) {
    fail(pointer, "expected an integer, got " + describe(value));
    return std::nullopt;
  }
  std::int64_t number = 0;
  if (value.is_number_unsigned()) {
    const auto unsigned_number = value.get<std::uint64_t>();
    if (std::cmp_greater(unsigned_number, range.max)) {
      fail(pointer, quote(value) + " is larger than " + std::to_string(range.max));
      return std::nullopt;
    }
    number = static_cast<std::int64_t>(unsigned_number);  // <= range.max: it fits
  } else {
    number = value.get<std::int64_t>();
  }
  if (number < range.min) {
    fail(pointer, quote(value) + " is smaller than " + std::to_string(range.min));
    return std::nullopt;
  }
  if (number > range.max) {
    fail(pointer, quote(value) + " is larger than " + std::to_string(range.max));
    return std::nullopt;
  }
  return number;
}

Fields::Fields(Reader& reader, const json& value, std::string pointer,
               std::span<const std::string_view> known)
    : reader_(reader),
      value_(value),
      pointer_(std::move(pointer)),
      valid_(reader.object(value, pointer_, known)) {}

const json* Fields::get(std::string_view key, Presence presence) {
  if (!valid_) return nullptr;
  return reader_.field(value_, pointer_, key, presence == Presence::required);
}

void Fields::reject(std::string_view key, std::string_view expectation) {
  const auto found = valid_ ? value_.find(std::string(key)) : value_.end();
  const std::string quoted = found != value_.end() ? quote(*found) : std::string("the value");
  reader_.fail(pointer_of(key), quoted + " is not " + std::string(expectation));
}

bool Fields::text(std::string_view key, std::string& out, Length length, Presence presence) {
  const json* value = get(key, presence);
  return value != nullptr && reader_.text_within(*value, pointer_of(key), out, length);
}

bool Fields::identifier(std::string_view key, std::string& out, Presence presence) {
  const json* value = get(key, presence);
  return value != nullptr && reader_.identifier(*value, pointer_of(key), out);
}

bool Fields::boolean(std::string_view key, bool& out, Presence presence) {
  const json* value = get(key, presence);
  return value != nullptr && reader_.boolean(*value, pointer_of(key), out);
}

std::optional<std::size_t> Fields::choice(std::string_view key,
                                          std::span<const std::string_view> names,
                                          std::string_view what, Presence presence) {
  const json* value = get(key, presence);
  if (value == nullptr) return std::nullopt;
  return reader_.choice(*value, pointer_of(key), names, what);
}

}  // namespace ordo::json
