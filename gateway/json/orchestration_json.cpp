#include "gateway/json/orchestration_json.h"

#include "gateway/json/document_reader.h"

namespace ordo::json {
namespace {

namespace orch = domain::orchestration;
using nlohmann::json;

constexpr std::array<std::string_view, 5> kCriteria = {"priority", "distance", "shipping_cost",
                                                       "capacity", "stock_depth"};
constexpr std::array<std::string_view, 3> kSplits = {"never", "minimize_shipments", "above_value"};
constexpr std::array<std::string_view, 2> kModes = {"direct", "competitive"};
constexpr std::array<std::string_view, 3> kRootFields = {"strategies", "selectors",
                                                         "default_strategy"};
constexpr std::array<std::string_view, 20> kStrategyFields = {"name",
                                                              "site_types",
                                                              "countries",
                                                              "same_country",
                                                              "excluded_sites",
                                                              "excluded_regions",
                                                              "require_capacity",
                                                              "max_distance_km",
                                                              "max_lead_time_hours",
                                                              "ranking",
                                                              "groups",
                                                              "rates",
                                                              "split",
                                                              "split_min_value_minor",
                                                              "mode",
                                                              "competitive_types",
                                                              "round_size",
                                                              "round_timeout_ms",
                                                              "max_rounds",
                                                              "fallback_direct"};
constexpr std::array<std::string_view, 6> kGroupFields = {
    "name", "sites", "priority", "lead_time_hours", "cost_base_minor", "cost_per_km_minor"};
constexpr std::array<std::string_view, 4> kRateFields = {"from", "to_country", "to_postcode_prefix",
                                                         "cost_minor"};
constexpr std::array<std::string_view, 5> kSelectorFields = {
    "channels", "countries", "from_month_day", "to_month_day", "strategy"};

class Parser : public DocumentReader {
 public:
  orch::Rules document(const json& root) {
    orch::Rules rules;
    if (!object(root, "", kRootFields)) return rules;
    array(root, "", "strategies", rules.strategies, &Parser::strategy);
    array(root, "", "selectors", rules.selectors, &Parser::strategy_selector);
    scalar(root, "", "default_strategy", rules.default_strategy, false, &Parser::text);
    return rules;
  }

 private:
  template <class E, std::size_t N>
  void named(const json& value, const std::string& pointer, E& out,
             const std::array<std::string_view, N>& names, std::string_view what) {
    if (const auto index = choice(value, pointer, names, what)) out = static_cast<E>(*index);
  }
  void criterion(const json& v, const std::string& p, orch::Criterion& out) {
    named(v, p, out, kCriteria, "ranking criterion");
  }
  void split(const json& v, const std::string& p, orch::SplitPolicy& out) {
    named(v, p, out, kSplits, "split policy");
  }
  void mode(const json& v, const std::string& p, orch::AllocationMode& out) {
    named(v, p, out, kModes, "allocation mode");
  }
  void flag(const json& v, const std::string& p, bool& out) { boolean(v, p, out); }

  void group(const json& value, const std::string& pointer, orch::SiteGroup& out) {
    if (!object(value, pointer, kGroupFields)) return;
    scalar(value, pointer, "name", out.name, false, &Parser::text);
    scalar(value, pointer, "sites", out.sites, false, &Parser::selector);
    scalar(value, pointer, "priority", out.priority, false, &Parser::integer<std::int32_t>);
    scalar(value, pointer, "lead_time_hours", out.lead_time_hours, false,
           &Parser::integer<std::int32_t>);
    scalar(value, pointer, "cost_base_minor", out.cost_base_minor, false,
           &Parser::integer<std::int64_t>);
    scalar(value, pointer, "cost_per_km_minor", out.cost_per_km_minor, false,
           &Parser::integer<std::int64_t>);
  }

  void rate(const json& value, const std::string& pointer, orch::Rate& out) {
    if (!object(value, pointer, kRateFields)) return;
    scalar(value, pointer, "from", out.from, false, &Parser::selector);
    scalar(value, pointer, "to_country", out.to_country, false, &Parser::text);
    scalar(value, pointer, "to_postcode_prefix", out.to_postcode_prefix, false, &Parser::text);
    scalar(value, pointer, "cost_minor", out.cost_minor, true, &Parser::integer<std::int64_t>);
  }

  void strategy(const json& value, const std::string& pointer, orch::Strategy& out) {
    if (!object(value, pointer, kStrategyFields)) return;
    scalar(value, pointer, "name", out.name, true, &Parser::text);
    array(value, pointer, "site_types", out.site_types, &Parser::site_type);
    array(value, pointer, "countries", out.countries, &Parser::text);
    scalar(value, pointer, "same_country", out.same_country, false, &Parser::flag);
    array(value, pointer, "excluded_sites", out.excluded_sites, &Parser::text);
    array(value, pointer, "excluded_regions", out.excluded_regions, &Parser::text);
    scalar(value, pointer, "require_capacity", out.require_capacity, false, &Parser::flag);
    scalar(value, pointer, "max_distance_km", out.max_distance_km, false,
           &Parser::integer<std::int32_t>);
    scalar(value, pointer, "max_lead_time_hours", out.max_lead_time_hours, false,
           &Parser::integer<std::int32_t>);
    array(value, pointer, "ranking", out.ranking, &Parser::criterion);
    array(value, pointer, "groups", out.groups, &Parser::group);
    array(value, pointer, "rates", out.rates, &Parser::rate);
    scalar(value, pointer, "split", out.split, false, &Parser::split);
    scalar(value, pointer, "split_min_value_minor", out.split_min_value_minor, false,
           &Parser::integer<std::int64_t>);
    scalar(value, pointer, "mode", out.mode, false, &Parser::mode);
    array(value, pointer, "competitive_types", out.competitive_types, &Parser::site_type);
    scalar(value, pointer, "round_size", out.round_size, false, &Parser::integer<std::int32_t>);
    scalar(value, pointer, "round_timeout_ms", out.round_timeout_ms, false,
           &Parser::integer<std::int32_t>);
    scalar(value, pointer, "max_rounds", out.max_rounds, false, &Parser::integer<std::int32_t>);
    scalar(value, pointer, "fallback_direct", out.fallback_direct, false, &Parser::flag);
  }

  void strategy_selector(const json& value, const std::string& pointer, orch::Selector& out) {
    if (!object(value, pointer, kSelectorFields)) return;
    array(value, pointer, "channels", out.channels, &Parser::text);
    array(value, pointer, "countries", out.countries, &Parser::text);
    scalar(value, pointer, "from_month_day", out.from_month_day, false,
           &Parser::integer<std::uint16_t>);
    scalar(value, pointer, "to_month_day", out.to_month_day, false,
           &Parser::integer<std::uint16_t>);
    scalar(value, pointer, "strategy", out.strategy, true, &Parser::text);
  }
};

template <class E, std::size_t N>
json names_of(const std::vector<E>& values, const std::array<std::string_view, N>& names) {
  json out = json::array();
  for (auto v : values) out.push_back(names.at(static_cast<std::size_t>(v)));
  return out;
}

}  // namespace

Result<orch::Rules, std::vector<domain::ConfigError>> parse_orchestration(const json& document) {
  Parser parser;
  auto rules = parser.document(document);
  if (!parser.ok()) return std::unexpected(parser.take_errors());
  return rules;
}

json to_json(const orch::Rules& rules) {
  json strategies = json::array();
  for (const auto& s : rules.strategies) {
    json groups = json::array();
    for (const auto& g : s.groups) {
      groups.push_back({{"name", g.name},
                        {"sites", selector_json(g.sites)},
                        {"priority", g.priority},
                        {"lead_time_hours", g.lead_time_hours},
                        {"cost_base_minor", g.cost_base_minor},
                        {"cost_per_km_minor", g.cost_per_km_minor}});
    }
    json rates = json::array();
    for (const auto& r : s.rates) {
      rates.push_back({{"from", selector_json(r.from)},
                       {"to_country", r.to_country},
                       {"to_postcode_prefix", r.to_postcode_prefix},
                       {"cost_minor", r.cost_minor}});
    }
    strategies.push_back({{"name", s.name},
                          {"site_types", names_of(s.site_types, kSiteTypeNames)},
                          {"countries", s.countries},
                          {"same_country", s.same_country},
                          {"excluded_sites", s.excluded_sites},
                          {"excluded_regions", s.excluded_regions},
                          {"require_capacity", s.require_capacity},
                          {"max_distance_km", s.max_distance_km},
                          {"max_lead_time_hours", s.max_lead_time_hours},
                          {"ranking", names_of(s.ranking, kCriteria)},
                          {"groups", std::move(groups)},
                          {"rates", std::move(rates)},
                          {"split", kSplits.at(static_cast<std::size_t>(s.split))},
                          {"split_min_value_minor", s.split_min_value_minor},
                          {"mode", kModes.at(static_cast<std::size_t>(s.mode))},
                          {"competitive_types", names_of(s.competitive_types, kSiteTypeNames)},
                          {"round_size", s.round_size},
                          {"round_timeout_ms", s.round_timeout_ms},
                          {"max_rounds", s.max_rounds},
                          {"fallback_direct", s.fallback_direct}});
  }
  json selectors = json::array();
  for (const auto& sel : rules.selectors) {
    selectors.push_back({{"channels", sel.channels},
                         {"countries", sel.countries},
                         {"from_month_day", sel.from_month_day},
                         {"to_month_day", sel.to_month_day},
                         {"strategy", sel.strategy}});
  }
  return {{"strategies", std::move(strategies)},
          {"selectors", std::move(selectors)},
          {"default_strategy", rules.default_strategy}};
}

}  // namespace ordo::json
