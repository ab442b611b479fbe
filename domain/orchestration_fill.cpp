// Splitting lines by quantity across sites and onto expected receipts (pre-orders), so that any
// quantity within what a channel is shown can be sourced when its strategy allows splitting.
#include <algorithm>

#include "domain/calendar.h"
#include "domain/orchestration_internal.h"

namespace ordo::domain::orchestration::detail {
namespace {

// Units of one SKU from one source: a site's stock now (no receipt) or one of its receipts.
struct Portion {
  const SiteFacts* site = nullptr;
  const Incoming* receipt = nullptr;
  std::int64_t left = 0;
};

// The sources of demand entry `i`, best first: one candidate covering it whole now; else every
// candidate's stock now in rank order, then their receipts, earliest first. Empty when they do not
// add up to the demand.
std::vector<Portion> portions_of(const Request& request, const std::vector<Candidate>& candidates,
                                 std::size_t i, std::int64_t& now, std::int64_t& later) {
  const std::int64_t wanted = request.demand[i].second;
  for (const auto& c : candidates) {
    if (c.site->available[i] >= wanted) return {{c.site, nullptr, wanted}};
  }
  std::vector<Portion> portions;
  std::int64_t missing = wanted;
  for (const auto& c : candidates) {
    const auto take = std::min(missing, c.site->available[i]);
    if (take <= 0) continue;
    portions.push_back({c.site, nullptr, take});
    missing -= take;
    now += take;
  }
  std::vector<Portion> receipts;
  for (const auto& c : candidates) {
    for (const auto& in : c.site->incoming) {
      if (in.demand == i && in.quantity > 0) receipts.push_back({c.site, &in, in.quantity});
    }
  }
  std::stable_sort(receipts.begin(), receipts.end(), [](const Portion& a, const Portion& b) {
    return a.receipt->expected_at < b.receipt->expected_at;
  });
  for (auto& p : receipts) {
    later += p.left;
    if (missing <= 0) continue;
    p.left = std::min(missing, p.left);
    missing -= p.left;
    portions.push_back(p);
  }
  if (missing > 0) return {};
  return portions;
}

// Where a line (or a part of one) goes: allocated now, or pre-ordered on a receipt.
void place(std::uint32_t line, const Portion& p, Plan& out) {
  if (p.receipt == nullptr) {
    out.allocations.push_back({line, p.site->site_id});
  } else {
    out.pre_orders.push_back(
        {line, p.site->site_id, p.receipt->receipt_id, p.receipt->expected_at});
  }
}

// Spreads the lines of one SKU over its portions in order, splitting a line across two or more.
void spread(const Request& request, std::string_view sku, std::vector<Portion> portions,
            std::uint32_t& next_line, Plan& out) {
  std::size_t at = 0;
  for (const auto& line : request.lines) {
    if (line.sku != sku) continue;
    std::int64_t quantity = line.quantity;
    std::vector<std::pair<std::int64_t, const Portion*>> parts;
    while (quantity > 0 && at < portions.size()) {
      const auto take = std::min(quantity, portions[at].left);
      parts.emplace_back(take, &portions[at]);
      quantity -= take;
      if ((portions[at].left -= take) == 0) ++at;
    }
    if (parts.size() == 1) {
      place(line.line, *parts.front().second, out);
      continue;
    }
    order::LineSplit split{line.line, {}};
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const std::uint32_t number = k == 0 ? line.line : next_line++;
      split.parts.push_back({number, parts[k].first});
      place(number, *parts[k].second, out);
    }
    out.splits.push_back(std::move(split));
  }
}

// "2026-12-15", the UTC day of an instant.
std::string day_of(Instant at) {
  const auto d = calendar::civil_from_days((at >= 0 ? at : at - kMicrosPerDay + 1) / kMicrosPerDay);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(d.year),
                static_cast<unsigned>(d.month), static_cast<unsigned>(d.day));
  return text;
}

// Why the plan splits and pre-orders, for the order's sourcing decision and timeline.
std::string explain(const Plan& out) {
  std::string text;
  const auto source_of = [&](std::uint32_t line) -> std::string {
    for (const auto& a : out.allocations) {
      if (a.line == line) return "from " + a.site_id;
    }
    for (const auto& p : out.pre_orders) {
      if (p.line == line)
        return "pre-ordered on receipt " + p.receipt_id + " at " + p.site_id + " expected " +
               day_of(p.expected_at);
    }
    return "?";
  };
  for (const auto& split : out.splits) {
    text += text.empty() ? "" : "; ";
    text += "line " + std::to_string(split.line) + " split, no single site having enough:";
    for (std::size_t k = 0; k < split.parts.size(); ++k) {
      text += (k == 0 ? " " : ", ") + std::to_string(split.parts[k].quantity) + " as line " +
              std::to_string(split.parts[k].line) + " " + source_of(split.parts[k].line);
    }
  }
  for (const auto& p : out.pre_orders) {
    const bool part = std::any_of(out.splits.begin(), out.splits.end(), [&](const auto& s) {
      return std::any_of(s.parts.begin(), s.parts.end(), [&](auto& x) { return x.line == p.line; });
    });
    if (part) continue;
    text += text.empty() ? "" : "; ";
    text += "line " + std::to_string(p.line) + " " + source_of(p.line);
  }
  return text;
}

}  // namespace

bool fill(const Request& request, const std::vector<Candidate>& candidates, Plan& out) {
  std::vector<std::vector<Portion>> sources(request.demand.size());
  for (std::size_t i = 0; i < request.demand.size(); ++i) {
    std::int64_t now = 0, later = 0;
    sources[i] = portions_of(request, candidates, i, now, later);
    if (!sources[i].empty()) continue;
    const auto& [sku, wanted] = request.demand[i];
    out.reason = now + later == 0
                     ? "out of stock: no eligible site can sell " + std::to_string(wanted) +
                           " of " + sku + " to channel " + request.channel
                     : "out of stock: the eligible sites can sell " + std::to_string(now + later) +
                           " of " + sku + " to channel " + request.channel + " (" +
                           std::to_string(now) + " now, " + std::to_string(later) +
                           " on receipts), " + std::to_string(wanted) + " asked";
    return false;
  }
  std::uint32_t next_line = request.next_line;
  for (const auto& line : request.lines) next_line = std::max(next_line, line.line + 1);
  for (std::size_t i = 0; i < request.demand.size(); ++i)
    spread(request, request.demand[i].first, std::move(sources[i]), next_line, out);
  out.kind = Plan::Kind::direct;
  out.reason = explain(out);
  return true;
}

bool one_site_with_receipts(const Request& request, const std::vector<Candidate>& candidates,
                            Plan& out) {
  for (const auto& c : candidates) {
    std::vector<Portion> chosen;
    for (std::size_t i = 0; i < request.demand.size(); ++i) {
      const auto wanted = request.demand[i].second;
      if (c.site->available[i] >= wanted) {
        chosen.push_back({c.site, nullptr, wanted});
        continue;
      }
      const auto in =
          std::find_if(c.site->incoming.begin(), c.site->incoming.end(),
                       [&](const Incoming& r) { return r.demand == i && r.quantity >= wanted; });
      if (in == c.site->incoming.end()) break;
      chosen.push_back({c.site, &*in, wanted});
    }
    if (chosen.size() != request.demand.size()) continue;
    std::uint32_t next_line = request.next_line;  // unused: a single portion per SKU
    for (std::size_t i = 0; i < request.demand.size(); ++i)
      spread(request, request.demand[i].first, {chosen[i]}, next_line, out);
    out.kind = Plan::Kind::direct;
    out.reason = explain(out);
    return true;
  }
  return false;
}

}  // namespace ordo::domain::orchestration::detail
