// Master data reads: sites, items, brands and channels as the projector's state holds them,
// filtered and paged in id order.
#include <algorithm>
#include <functional>
#include <mutex>

#include "projections/projector.h"

namespace ordo::projections {
namespace {

namespace site = domain::site;

template <class Entry>
using Matcher = std::function<bool(const Entry&)>;

// The entries of `table` after `query.after` that every matcher accepts, in key order, at most
// `limit`; the cursor is set when more follow. Selecting the smallest keys costs a pass over the
// table and a partial sort, with no index to keep.
template <class Table, class Record, class Make>
MasterPage<Record> page_of(const Table& table, const MasterQuery& query,
                           const std::vector<Matcher<typename Table::mapped_type>>& matchers,
                           Make make) {
  using Entry = typename Table::value_type;
  std::vector<const Entry*> found;
  for (const auto& entry : table) {
    if (!entry.second.state.exists) continue;
    if (!query.after.empty() && std::string_view(entry.first) <= query.after) continue;
    if (std::all_of(matchers.begin(), matchers.end(),
                    [&](const auto& m) { return m(entry.second); })) {
      found.push_back(&entry);
    }
  }
  const auto limit = std::max<std::size_t>(1, query.limit);
  const auto shown = std::min(found.size(), limit);
  const auto by_key = [](const Entry* a, const Entry* b) { return a->first < b->first; };
  std::partial_sort(found.begin(), found.begin() + static_cast<long>(shown), found.end(), by_key);
  MasterPage<Record> page;
  for (std::size_t i = 0; i < shown; ++i) page.records.push_back(make(*found[i]));
  if (found.size() > shown) page.next_cursor = found[shown - 1]->first;
  return page;
}

template <class Names>
Error unknown_filter(std::string_view field, const Names& names) {
  std::string known;
  for (const char* n : names) known += (known.empty() ? "" : ", ") + std::string(n);
  return {ErrorCode::invalid_argument,
          "unknown filter '" + std::string(field) + "' (known: " + known + ")"};
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

template <class Entry>
Result<Matcher<Entry>> site_matcher(const std::string& field, const std::string& value) {
  constexpr std::string_view kTypes[] = {"store", "warehouse", "dark_store", "pickup_point"};
  if (field == "country")
    return Matcher<Entry>([=](const Entry& e) { return e.state.profile.country == value; });
  if (field == "region")
    return Matcher<Entry>([=](const Entry& e) { return e.state.profile.region == value; });
  if (field == "brand")
    return Matcher<Entry>([=](const Entry& e) {
      return e.state.profile.brands.empty() || contains(e.state.profile.brands, value);
    });
  if (field == "type") {
    const auto* it = std::find(std::begin(kTypes), std::end(kTypes), value);
    if (it == std::end(kTypes))
      return fail(ErrorCode::invalid_argument, "unknown site type '" + value + "'");
    const auto type = static_cast<site::SiteType>(it - std::begin(kTypes));
    return Matcher<Entry>([=](const Entry& e) { return e.state.profile.type == type; });
  }
  if (field == "status") {
    for (auto s : {site::Status::open, site::Status::temporarily_closed, site::Status::closed}) {
      if (site::to_string(s) == value)
        return Matcher<Entry>([=](const Entry& e) { return e.state.profile.status == s; });
    }
    return fail(ErrorCode::invalid_argument, "unknown site status '" + value + "'");
  }
  if (field == "capability") {
    using C = site::Capabilities;
    const std::pair<std::string_view, bool C::*> kCapabilities[] = {
        {"ship_from_store", &C::ship_from_store},
        {"click_and_collect", &C::click_and_collect},
        {"returns", &C::returns},
        {"ship_to_store", &C::ship_to_store}};
    for (const auto& [name, member] : kCapabilities) {
      if (name == value) {
        return Matcher<Entry>(
            [member](const Entry& e) { return e.state.profile.capabilities.*member; });
      }
    }
    return fail(ErrorCode::invalid_argument, "unknown capability '" + value + "'");
  }
  return std::unexpected(unknown_filter(field, kSiteFilters));
}

template <class Entry>
Result<Matcher<Entry>> item_matcher(const std::string& field, const std::string& value) {
  if (field == "brand")
    return Matcher<Entry>([=](const Entry& e) { return e.state.item.brand == value; });
  if (field == "category")
    return Matcher<Entry>([=](const Entry& e) { return e.state.item.category.starts_with(value); });
  if (field == "channel")
    return Matcher<Entry>([=](const Entry& e) {
      const auto& prices = e.state.item.prices;
      return std::any_of(prices.begin(), prices.end(),
                         [&](const auto& p) { return p.channel == value; });
    });
  return std::unexpected(unknown_filter(field, kItemFilters));
}

template <class Entry>
Result<Matcher<Entry>> channel_matcher(const std::string& field, const std::string& value) {
  if (field == "country")
    return Matcher<Entry>([=](const Entry& e) { return e.state.channel.sells_to(value); });
  if (field == "brand")
    return Matcher<Entry>([=](const Entry& e) { return e.state.channel.brand == value; });
  if (field == "currency")
    return Matcher<Entry>([=](const Entry& e) { return e.state.channel.currency == value; });
  return std::unexpected(unknown_filter(field, kChannelFilters));
}

template <class Entry, class Make>
Result<std::vector<Matcher<Entry>>> matchers_of(const MasterQuery& query, Make make) {
  std::vector<Matcher<Entry>> out;
  for (const auto& [field, value] : query.filters) {
    auto m = make(field, value);
    if (!m) return std::unexpected(m.error());
    out.push_back(std::move(*m));
  }
  return out;
}

}  // namespace

Result<MasterPage<SiteRecord>> Projector::sites(const MasterQuery& query) const {
  std::shared_lock lock(state_mutex_);
  const auto& table = state_.table<engine::SiteAggregate>().entries();
  using Entry = std::decay_t<decltype(table)>::mapped_type;
  auto matchers = matchers_of<Entry>(query, &site_matcher<Entry>);
  if (!matchers) return std::unexpected(matchers.error());
  return page_of<std::decay_t<decltype(table)>, SiteRecord>(
      table, query, *matchers, [](const auto& e) {
        return SiteRecord{e.first, e.second.state.profile, e.second.version};
      });
}

std::optional<SiteRecord> Projector::site(std::string_view site_id) const {
  std::shared_lock lock(state_mutex_);
  const auto* e = state_.table<engine::SiteAggregate>().find(site_id);
  if (e == nullptr || !e->state.exists) return std::nullopt;
  return SiteRecord{std::string(site_id), e->state.profile, e->version};
}

Result<MasterPage<ItemRecord>> Projector::items(const MasterQuery& query) const {
  std::shared_lock lock(state_mutex_);
  const auto& table = state_.table<engine::ItemAggregate>().entries();
  using Entry = std::decay_t<decltype(table)>::mapped_type;
  auto matchers = matchers_of<Entry>(query, &item_matcher<Entry>);
  if (!matchers) return std::unexpected(matchers.error());
  return page_of<std::decay_t<decltype(table)>, ItemRecord>(
      table, query, *matchers, [](const auto& e) {
        return ItemRecord{e.second.state.item, e.second.version};
      });
}

std::optional<ItemRecord> Projector::item(std::string_view sku) const {
  std::shared_lock lock(state_mutex_);
  const auto* e = state_.table<engine::ItemAggregate>().find(sku);
  if (e == nullptr || !e->state.exists) return std::nullopt;
  return ItemRecord{e->state.item, e->version};
}

Result<MasterPage<BrandRecord>> Projector::brands(const MasterQuery& query) const {
  std::shared_lock lock(state_mutex_);
  if (!query.filters.empty()) {
    return fail(ErrorCode::invalid_argument,
                "unknown filter '" + query.filters.front().first + "' (brands have none)");
  }
  const auto& table = state_.table<engine::BrandAggregate>().entries();
  return page_of<std::decay_t<decltype(table)>, BrandRecord>(table, query, {}, [](const auto& e) {
    return BrandRecord{e.second.state.brand, e.second.version};
  });
}

std::optional<BrandRecord> Projector::brand(std::string_view brand_id) const {
  std::shared_lock lock(state_mutex_);
  const auto* e = state_.table<engine::BrandAggregate>().find(brand_id);
  if (e == nullptr || !e->state.exists) return std::nullopt;
  return BrandRecord{e->state.brand, e->version};
}

Result<MasterPage<ChannelRecord>> Projector::channels(const MasterQuery& query) const {
  std::shared_lock lock(state_mutex_);
  const auto& table = state_.table<engine::ChannelAggregate>().entries();
  using Entry = std::decay_t<decltype(table)>::mapped_type;
  auto matchers = matchers_of<Entry>(query, &channel_matcher<Entry>);
  if (!matchers) return std::unexpected(matchers.error());
  return page_of<std::decay_t<decltype(table)>, ChannelRecord>(
      table, query, *matchers, [](const auto& e) {
        return ChannelRecord{e.second.state.channel, e.second.version};
      });
}

std::optional<ChannelRecord> Projector::channel(std::string_view channel_id) const {
  std::shared_lock lock(state_mutex_);
  const auto* e = state_.table<engine::ChannelAggregate>().find(channel_id);
  if (e == nullptr || !e->state.exists) return std::nullopt;
  return ChannelRecord{e->state.channel, e->version};
}

}  // namespace ordo::projections
