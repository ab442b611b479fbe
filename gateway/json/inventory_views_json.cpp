#include "gateway/json/inventory_views_json.h"

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "gateway/json/document_reader.h"

namespace ordo::json {
namespace {

using domain::ConfigError;
using domain::site::SiteType;
using nlohmann::json;

constexpr std::array<std::string_view, 2> kRootFields = {"channels", "exclusions"};
constexpr std::array<std::string_view, 6> kChannelFields = {
    "channel", "sites", "share_percent", "safety_stock", "future_horizon_days", "minimum_display"};
constexpr std::array<std::string_view, 3> kSafetyFields = {"sites", "category_prefix", "quantity"};
constexpr std::array<std::string_view, 6> kExclusionFields = {
    "name", "sites", "skus", "category_prefix", "quantity", "for_channels"};

/// Reads one document, collecting every problem instead of stopping at the first.
class Parser : public DocumentReader {
 public:
  domain::InventoryViews document(const json& root) {
    domain::InventoryViews views;
    if (!object(root, "", kRootFields)) return views;
    array(root, "", "channels", views.channels, &Parser::channel);
    array(root, "", "exclusions", views.exclusions, &Parser::exclusion);
    return views;
  }

 private:
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

Result<domain::InventoryViews, std::vector<ConfigError>> parse_inventory_views(
    const nlohmann::json& document) {
  Parser parser;
  domain::InventoryViews views = parser.document(document);
  if (!parser.ok()) return std::unexpected(parser.take_errors());
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
