#include "gateway/json/inventory_views_json.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

namespace ordo::json {
namespace {

using domain::ConfigError;
using domain::site::SiteType;
using nlohmann::json;

constexpr std::array<std::string_view, 4> kSiteTypeNames = {"store", "warehouse", "dark_store",
                                                            "pickup_point"};
// A message quotes the offending value; a pasted megabyte must not become the message.
constexpr std::size_t kQuotedValueChars = 60;

constexpr std::array<std::string_view, 2> kRootFields = {"channels", "exclusions"};
constexpr std::array<std::string_view, 4> kSelectorFields = {"site_ids", "types", "countries",
                                                             "regions"};
constexpr std::array<std::string_view, 6> kChannelFields = {
    "channel", "sites", "share_percent", "safety_stock", "future_horizon_days", "minimum_display"};
constexpr std::array<std::string_view, 3> kSafetyFields = {"sites", "category_prefix", "quantity"};
constexpr std::array<std::string_view, 6> kExclusionFields = {
    "name", "sites", "skus", "category_prefix", "quantity", "for_channels"};

// RFC 6901: "~" is written "~0" and "/" is written "~1" inside a reference token.
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

// The value as JSON text, cut short; invalid UTF-8 (possible in a json built in code) is replaced.
std::string quote(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kQuotedValueChars) text = text.substr(0, kQuotedValueChars) + "...";
  return text;
}

std::string describe(const json& value) {
  const std::string text = quote(value);
  if (value.is_string()) return "the string " + text;
  if (value.is_boolean()) return "the boolean " + text;
  if (value.is_number()) return "the number " + text;
  if (value.is_null()) return "null";
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

/// Reads one document, collecting every problem instead of stopping at the first.
class Parser {
 public:
  std::vector<ConfigError> errors;

  domain::InventoryViews document(const json& root) {
    domain::InventoryViews views;
    if (!object(root, "", kRootFields)) return views;
    array(root, "", "channels", views.channels, &Parser::channel);
    array(root, "", "exclusions", views.exclusions, &Parser::exclusion);
    return views;
  }

 private:
  void fail(std::string pointer, std::string message) {
    errors.push_back({std::move(pointer), std::move(message)});
  }

  // True when `value` is an object; reports each field it has that is not in `fields`.
  bool object(const json& value, const std::string& pointer,
              std::span<const std::string_view> fields) {
    if (!value.is_object()) {
      fail(pointer, "expected an object, got " + describe(value));
      return false;
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string& key = it.key();
      if (std::find(fields.begin(), fields.end(), key) == fields.end()) {
        fail(child(pointer, key), "unknown field \"" + key + "\" (known: " + one_of(fields) + ")");
      }
    }
    return true;
  }

  // The field's value, or nullptr when absent (a problem only when `required`).
  const json* field(const json& object_value, const std::string& pointer, std::string_view key,
                    bool required) {
    const auto found = object_value.find(std::string(key));
    if (found != object_value.end()) return &*found;
    if (required) fail(child(pointer, key), std::string(key) + " is required");
    return nullptr;
  }

  void text(const json& value, const std::string& pointer, std::string& out) {
    if (value.is_string()) {
      out = value.get<std::string>();
    } else {
      fail(pointer, "expected a string, got " + describe(value));
    }
  }

  template <class Int>
  void integer(const json& value, const std::string& pointer, Int& out) {
    using Limits = std::numeric_limits<Int>;
    if (!value.is_number_integer()) {
      fail(pointer, "expected an integer, got " + describe(value));
    } else if (value.is_number_unsigned() &&
               value.get<std::uint64_t>() > static_cast<std::uint64_t>(Limits::max())) {
      fail(pointer, quote(value) + " is larger than " + std::to_string(Limits::max()));
    } else if (!value.is_number_unsigned() && value.get<std::int64_t>() < Limits::min()) {
      fail(pointer, quote(value) + " is smaller than " + std::to_string(Limits::min()));
    } else if (!value.is_number_unsigned() && value.get<std::int64_t>() > Limits::max()) {
      fail(pointer, quote(value) + " is larger than " + std::to_string(Limits::max()));
    } else {
      out = static_cast<Int>(value.get<std::int64_t>());
    }
  }

  void site_type(const json& value, const std::string& pointer, SiteType& out) {
    if (!value.is_string()) {
      fail(pointer, "expected a site type name, got " + describe(value));
      return;
    }
    const std::string& name = value.get_ref<const std::string&>();
    for (std::size_t i = 0; i < kSiteTypeNames.size(); ++i) {
      if (kSiteTypeNames[i] == name) {
        out = static_cast<SiteType>(i);
        return;
      }
    }
    fail(pointer, "unknown site type " + quote(value) + " (known: " + one_of(kSiteTypeNames) + ")");
  }

  // Reads `key` of `parent` (when present) as an array, each element with `read`.
  template <class T>
  void array(const json& parent, const std::string& pointer, std::string_view key,
             std::vector<T>& out, void (Parser::*read)(const json&, const std::string&, T&)) {
    const json* value = field(parent, pointer, key, false);
    if (value == nullptr) return;
    const std::string array_pointer = child(pointer, key);
    if (!value->is_array()) {
      fail(array_pointer, "expected an array, got " + describe(*value));
      return;
    }
    out.resize(value->size());
    for (std::size_t i = 0; i < value->size(); ++i) {
      (this->*read)((*value)[i], child(array_pointer, i), out[i]);
    }
  }

  template <class T>
  void scalar(const json& parent, const std::string& pointer, std::string_view key, T& out,
              bool required, void (Parser::*read)(const json&, const std::string&, T&)) {
    if (const json* value = field(parent, pointer, key, required)) {
      (this->*read)(*value, child(pointer, key), out);
    }
  }

  void selector(const json& value, const std::string& pointer, domain::SiteSelector& out) {
    if (!object(value, pointer, kSelectorFields)) return;
    array(value, pointer, "site_ids", out.site_ids, &Parser::text);
    array(value, pointer, "types", out.types, &Parser::site_type);
    array(value, pointer, "countries", out.countries, &Parser::text);
    array(value, pointer, "regions", out.regions, &Parser::text);
  }

  void safety_rule(const json& value, const std::string& pointer, domain::SafetyStockRule& out) {
    if (!object(value, pointer, kSafetyFields)) return;
    scalar(value, pointer, "sites", out.sites, false, &Parser::selector);
    scalar(value, pointer, "category_prefix", out.category_prefix, false, &Parser::text);
    scalar(value, pointer, "quantity", out.quantity, true, &Parser::integer<std::int64_t>);
  }

  void channel(const json& value, const std::string& pointer, domain::ChannelView& out) {
    if (!object(value, pointer, kChannelFields)) return;
    scalar(value, pointer, "channel", out.channel, true, &Parser::text);
    scalar(value, pointer, "sites", out.sites, false, &Parser::selector);
    scalar(value, pointer, "share_percent", out.share_percent, false,
           &Parser::integer<std::int32_t>);
    array(value, pointer, "safety_stock", out.safety_stock, &Parser::safety_rule);
    scalar(value, pointer, "future_horizon_days", out.future_horizon_days, false,
           &Parser::integer<std::int32_t>);
    scalar(value, pointer, "minimum_display", out.minimum_display, false,
           &Parser::integer<std::int64_t>);
  }

  void exclusion(const json& value, const std::string& pointer, domain::Exclusion& out) {
    if (!object(value, pointer, kExclusionFields)) return;
    scalar(value, pointer, "name", out.name, true, &Parser::text);
    scalar(value, pointer, "sites", out.sites, false, &Parser::selector);
    array(value, pointer, "skus", out.skus, &Parser::text);
    scalar(value, pointer, "category_prefix", out.category_prefix, false, &Parser::text);
    scalar(value, pointer, "quantity", out.quantity, true, &Parser::integer<std::int64_t>);
    array(value, pointer, "for_channels", out.for_channels, &Parser::text);
  }
};

json selector_json(const domain::SiteSelector& selector) {
  json types = json::array();
  for (SiteType type : selector.types) {
    types.push_back(kSiteTypeNames.at(static_cast<std::size_t>(type)));
  }
  return {{"site_ids", selector.site_ids},
          {"types", std::move(types)},
          {"countries", selector.countries},
          {"regions", selector.regions}};
}

json channel_json(const domain::ChannelView& view) {
  json safety = json::array();
  for (const domain::SafetyStockRule& rule : view.safety_stock) {
    safety.push_back({{"sites", selector_json(rule.sites)},
                      {"category_prefix", rule.category_prefix},
                      {"quantity", rule.quantity}});
  }
  return {{"channel", view.channel},
          {"sites", selector_json(view.sites)},
          {"share_percent", view.share_percent},
          {"safety_stock", std::move(safety)},
          {"future_horizon_days", view.future_horizon_days},
          {"minimum_display", view.minimum_display}};
}

json exclusion_json(const domain::Exclusion& exclusion) {
  return {{"name", exclusion.name},         {"sites", selector_json(exclusion.sites)},
          {"skus", exclusion.skus},         {"category_prefix", exclusion.category_prefix},
          {"quantity", exclusion.quantity}, {"for_channels", exclusion.for_channels}};
}

}  // namespace

std::expected<domain::InventoryViews, std::vector<ConfigError>> parse_inventory_views(
    const nlohmann::json& document) {
  Parser parser;
  domain::InventoryViews views = parser.document(document);
  if (!parser.errors.empty()) return std::unexpected(std::move(parser.errors));
  return views;
}

nlohmann::json to_json(const domain::InventoryViews& views) {
  json channels = json::array();
  for (const domain::ChannelView& view : views.channels) channels.push_back(channel_json(view));
  json exclusions = json::array();
  for (const domain::Exclusion& exclusion : views.exclusions) {
    exclusions.push_back(exclusion_json(exclusion));
  }
  return {{"channels", std::move(channels)}, {"exclusions", std::move(exclusions)}};
}

}  // namespace ordo::json
