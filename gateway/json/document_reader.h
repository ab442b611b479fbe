// Reading configuration documents: a Reader with arrays and fields read by member functions, and
// the site selector shared by every area. Internal to gateway/json.
#pragma once

#include <array>
#include <functional>

#include "gateway/json/reader.h"

namespace ordo::json {

inline constexpr std::array<std::string_view, 4> kSiteTypeNames = {"store", "warehouse",
                                                                   "dark_store", "pickup_point"};
inline constexpr std::array<std::string_view, 4> kSelectorFields = {"site_ids", "types",
                                                                    "countries", "regions"};

// The class a member function pointer belongs to: readers are invoked on the derived parser.
template <class M>
struct MemberClass;
template <class C, class R, class... A>
struct MemberClass<R (C::*)(A...)> {
  using type = C;
};

class DocumentReader : public Reader {
 protected:
  template <class Read>
  auto& self_for(Read) {
    return static_cast<typename MemberClass<Read>::type&>(*this);
  }

  void site_type(const nlohmann::json& value, const std::string& pointer,
                 domain::site::SiteType& out) {
    if (const auto index = choice(value, pointer, kSiteTypeNames, "site type")) {
      out = static_cast<domain::site::SiteType>(*index);
    }
  }

  // Reads `key` of `parent` (when present) as an array, each element with `read`, a member of
  // the reader taking (value, pointer, T& out).
  template <class T, class Read>
  void array(const nlohmann::json& parent, const std::string& pointer, std::string_view key,
             std::vector<T>& out, Read read) {
    const nlohmann::json* value = field(parent, pointer, key, false);
    if (value == nullptr) return;
    const std::string array_pointer = child(pointer, key);
    if (!value->is_array()) {
      fail(array_pointer, "expected an array, got " + describe(*value));
      return;
    }
    out.resize(value->size());
    for (std::size_t i = 0; i < value->size(); ++i) {
      T item{};
      std::invoke(read, self_for(read), (*value)[i], child(array_pointer, i), item);
      out[i] = std::move(item);
    }
  }

  template <class T, class Read>
  void scalar(const nlohmann::json& parent, const std::string& pointer, std::string_view key,
              T& out, bool required, Read read) {
    if (const nlohmann::json* value = field(parent, pointer, key, required)) {
      std::invoke(read, self_for(read), *value, child(pointer, key), out);
    }
  }

  void selector(const nlohmann::json& value, const std::string& pointer,
                domain::SiteSelector& out) {
    if (!object(value, pointer, kSelectorFields)) return;
    array(value, pointer, "site_ids", out.site_ids, &DocumentReader::text);
    array(value, pointer, "types", out.types, &DocumentReader::site_type);
    array(value, pointer, "countries", out.countries, &DocumentReader::text);
    array(value, pointer, "regions", out.regions, &DocumentReader::text);
  }
};

inline nlohmann::json selector_json(const domain::SiteSelector& selector) {
  nlohmann::json types = nlohmann::json::array();
  for (auto type : selector.types)
    types.push_back(kSiteTypeNames.at(static_cast<std::size_t>(type)));
  return {{"site_ids", selector.site_ids},
          {"types", std::move(types)},
          {"countries", selector.countries},
          {"regions", selector.regions}};
}

}  // namespace ordo::json
