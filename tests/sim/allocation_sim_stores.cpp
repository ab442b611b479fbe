// The stores' side of the simulation, and the laws checked against the log.
#include "tests/sim/simulation.h"

namespace ordo::sim {
namespace {

std::string offer_name(const std::string& site, const std::string& order_id, std::uint32_t round) {
  return site + "'s offer " + order_id + " round " + std::to_string(round);
}

void mix(std::uint64_t& digest, std::string_view bytes) {
  for (const unsigned char c : bytes) digest = (digest ^ c) * 1099511628211ull;
}

}  // namespace

// A round as the log has it, for failure messages.
std::string Simulation::describe(const std::pair<std::string, std::uint32_t>& key) const {
  const auto* r = log_.round(key.first, key.second);
  std::string out = key.first + " round " + std::to_string(key.second);
  if (r == nullptr) return out + " (not in the log)";
  out += " (sites";
  for (const auto& s : r->sites) out += " " + s;
  out += "; declined";
  for (const auto& s : r->declined) out += " " + s;
  out += "; winner '" + r->winner + "'; " + (r->closed ? "closed " + r->end : "open") +
         "; deadline t+" + std::to_string((r->deadline - kStart) / 1000) + "ms; log at " +
         std::to_string(log_.position()) + ")";
  return out;
}

std::vector<std::uint32_t> Simulation::lines_of(const json& offer) {
  std::vector<std::uint32_t> out;
  for (const auto& l : offer.value("lines", json::array())) {
    if (l.is_object()) out.push_back(l.value("line", std::uint32_t{0}));
  }
  return out;
}

// Lines a store held are gone: released (it gave them back, or they moved) or cancelled. The log
// must say so: each line named is no longer allocated to it, or is cancelled.
void Simulation::on_lines_gone(Store& store, const json& message) {
  const auto order_id = message.value("order_id", "");
  const auto type = message.value("type", "");
  const auto* o = log_.order(order_id);
  if (o == nullptr) return fail(store.site + " told " + type + " for an order not in the log");
  if (type == "released" && !o->releases.contains(store.site))
    return fail(store.site + " told " + order_id + " was released; the log has no release");
  std::vector<std::uint32_t> lines;
  for (const auto& n : message.value("lines", json::array())) {
    lines.push_back(n.get<std::uint32_t>());
    const auto it = o->lines.find(lines.back());
    if (it == o->lines.end()) return fail(store.site + " told of a line not in " + order_id);
    if (type == "cancelled" && !it->second.cancelled)
      return fail(store.site + " told " + order_id + " line " + std::to_string(lines.back()) +
                  " was cancelled; the log has it live");
  }
  store.hold(order_id, lines, false, message.value("position", std::uint64_t{0}));
}

// What Ordo tells a store on its own (relayed from the log) must be what the log says.
void Simulation::on_message(Store& store, const json& message) {
  const auto type = message.value("type", "");
  const auto order_id = message.value("order_id", "");
  const auto round = message.value("round", std::uint32_t{0});
  const auto name = offer_name(store.site, order_id, round);
  const auto* r = log_.round(order_id, round);
  note(store.site + " hears " + message.dump().substr(0, 100));
  const auto position = message.value("position", std::uint64_t{0});
  if (type == "released" || type == "cancelled") return on_lines_gone(store, message);
  if (r == nullptr || !r->sites.contains(store.site)) return fail(name + ": not in the log");
  auto [it, fresh] = store.offers.try_emplace({order_id, round}, Offer::open);
  if (type == "offer") {
    // A repeat (duplicate or sent again) changes nothing.
    if (fresh) store.offered_lines[{order_id, round}] = lines_of(message);
    return;
  }
  if (type == "won") {
    if (r->winner != store.site)
      return fail(name + ": told it won; the log's winner is '" + r->winner + "'");
    it->second = Offer::won;
    store.hold(order_id, store.offered_lines[{order_id, round}], true, position);
    return;
  }
  if (type != "withdrawn") return fail(name + ": a message of unknown type " + type);
  const auto reason = message.value("reason", "");
  const bool agrees = reason == "claimed_by_another_site"
                          ? !r->winner.empty() && r->winner != store.site
                          : r->closed && r->end == reason;
  if (!agrees) {
    return fail(name + ": told withdrawn (" + reason +
                "), which the log contradicts: " + describe({order_id, round}));
  }
  if (it->second == Offer::won) return fail(name + ": told withdrawn after it won");
  if (!ended(it->second)) it->second = Offer::gone;
}

// A store's answer from Ordo: checked against the log whenever it arrives (a duplicate too), and
// acted on the first time.
void Simulation::on_answer(Store& store, std::uint64_t inbox, const json& answer) {
  auto it = store.requests.find(inbox);
  if (it == store.requests.end()) return fail(store.site + " got an answer it never asked for");
  auto& request = it->second;
  const auto result = answer.value("result", "");
  note(store.site + " is answered " + answer.dump().substr(0, 120));
  // Only a list of pending offers may be put off (the query models behind the log); a claim,
  // decline or release is always decided.
  if (result == "retry" && request.body.value("action", "") != "pending")
    return fail(store.site + " was told to retry " + request.body.dump() + ": " + answer.dump());
  if (result == "retry") return;  // asked again later
  check_answer(store, request.body, answer);
  if (request.answered || !failure_.empty()) return;
  request.answered = true;
  ++result_.answers;
  result_.lost += result == "lost";
  result_.expired += result == "expired";
  mix(answer_digest_, store.site);
  mix(answer_digest_, answer.dump());
  const auto action = request.body.value("action", "");
  const auto order_id = request.body.value("order_id", "");
  if (action == "pending") return reconcile(store, request, answer);
  const auto position = answer.value("position", std::uint64_t{0});
  if (action == "release") return store.hold_all(order_id, false, position);
  const auto round = request.body.value("round", std::uint32_t{0});
  auto& offer = store.offers[{order_id, round}];
  if (result == "won") {
    offer = Offer::won;
    store.hold(order_id, store.offered_lines[{order_id, round}], true, position);
  } else if (result == "lost" || result == "expired" || result == "declined") {
    if (offer == Offer::won)
      return fail(store.site + " won " + order_id + ", then was told " + result);
    offer = result == "lost" ? Offer::lost : result == "expired" ? Offer::expired : Offer::declined;
  }
}

// Every answer against the log: a claim won only by the log's winner, lost only to another, an
// expired round without this store as its winner, a decline recorded.
void Simulation::check_answer(const Store& store, const json& request, const json& answer) {
  const auto action = request.value("action", "");
  const auto order_id = request.value("order_id", "");
  const auto round = request.value("round", std::uint32_t{0});
  const auto result = answer.value("result", "");
  const auto name =
      offer_name(store.site, order_id, round) + " (" + action + " answered " + result + ")";
  if (action == "pending") return;  // checked when it was made (check_pending)
  if (action == "release") {
    // Released (or nothing left to release): the store holds none of the order's lines any more.
    const auto* o = log_.order(order_id);
    if (o == nullptr) return fail(name + ": the order is not in the log");
    if (result != "ok" && result != "invalid") return fail(name + ": " + answer.dump());
    for (const auto& [n, line] : o->lines) {
      if (line.site == store.site && !line.cancelled)
        return fail(name + ": line " + std::to_string(n) + " is still allocated to it");
    }
    return;
  }
  const auto* r = log_.round(order_id, round);
  if (r == nullptr) return fail(name + ": the round is not in the log");
  if (result == "won" && r->winner != store.site)
    return fail(name + ": the log's winner is '" + r->winner + "'");
  if (result == "lost" && (r->winner.empty() || r->winner == store.site))
    return fail(name + ": the log's winner is '" + r->winner + "'");
  if (result == "expired" && (!r->winner.empty() || (!r->closed && r->deadline > now_)))
    return fail(name + ": the round is open before its deadline, or this store won it");
  if (result == "declined" && !r->declined.contains(store.site))
    return fail(name + ": the log has no decline");
  if (result == "invalid") fail(name + ": a valid request refused: " + answer.dump());
}

// The offers Ordo lists as pending are exactly the open rounds that offer the store and that it
// has not declined.
void Simulation::check_pending(const std::string& site, const json& answer) {
  if (answer.value("result", "") != "ok") return fail(site + ": pending failed " + answer.dump());
  std::set<std::pair<std::string, std::uint32_t>> listed, expected;
  for (const auto& offer : answer["offers"])
    listed.insert({offer.value("order_id", ""), offer.value("round", std::uint32_t{0})});
  for (const auto& [id, o] : log_.orders()) {
    for (const auto& [n, r] : o.rounds) {
      if (!r.closed && r.winner.empty() && r.sites.contains(site) && !r.declined.contains(site))
        expected.insert({id, n});
    }
  }
  // And the lines it holds are exactly those the log allocates to it.
  std::set<std::pair<std::string, std::uint32_t>> held, allocated;
  for (const auto& order : answer["held"]) {
    for (const auto& n : order["lines"])
      held.insert({order.value("order_id", ""), n.get<std::uint32_t>()});
  }
  for (const auto& [id, o] : log_.orders()) {
    for (const auto& [n, line] : o.lines) {
      if (line.site == site && !line.cancelled) allocated.insert({id, n});
    }
  }
  if (held != allocated) {
    return fail(site + ": pending lists " + std::to_string(held.size()) + " lines held, the log " +
                std::to_string(allocated.size()) + ": " + answer.dump());
  }
  std::string differ;
  for (const auto& key : listed) {
    if (!expected.contains(key)) differ += " listed, not open in the log: " + describe(key);
  }
  for (const auto& key : expected) {
    if (!listed.contains(key)) differ += " open in the log, not listed: " + describe(key);
  }
  if (!differ.empty()) fail(site + ": pending offers differ from the log:" + differ);
}

// A store back from an absence learns the offers it missed, and that those it knew and are not
// listed have ended. Offers it heard of after asking may be newer than the answer: kept.
void Simulation::reconcile(Store& store, const Request& request, const json& answer) {
  if (answer.value("result", "") != "ok") return;
  std::set<std::pair<std::string, std::uint32_t>> listed;
  for (const auto& offer : answer["offers"]) {
    const std::pair key{offer.value("order_id", ""), offer.value("round", std::uint32_t{0})};
    listed.insert(key);
    if (store.offers.try_emplace(key, Offer::open).second)
      store.offered_lines[key] = lines_of(offer);
  }
  for (const auto& key : request.known) {
    auto it = store.offers.find(key);
    if (it != store.offers.end() && it->second == Offer::open && !listed.contains(key))
      it->second = Offer::gone;
  }
  // The lines it holds as of the list's position: listed ones held, others not (a message about a
  // line with a higher position is newer and stays).
  const auto position = answer.value("position", std::uint64_t{0});
  std::set<std::pair<std::string, std::uint32_t>> held;
  for (const auto& order : answer["held"]) {
    const auto order_id = order.value("order_id", "");
    for (const auto& n : order["lines"]) held.insert({order_id, n.get<std::uint32_t>()});
  }
  for (const auto& [order_id, n] : held) store.hold(order_id, {n}, true, position);
  for (auto& [key, entry] : store.lines) {
    if (!held.contains(key) && position >= entry.second) entry = {false, position};
  }
}

void Simulation::send(Store& store, json body, Request request) {
  const auto inbox = next_inbox_++;
  request.body = std::move(body);
  request.sent_at = now_;
  note(store.site + " asks " + request.body.dump());
  net_.send({Packet::To::ordo, store.site, request.body.dump(), inbox, 0}, random_, now_);
  store.requests.emplace(inbox, std::move(request));
}

// A store acts on an offer it holds open: claims it (most of the time) or declines it; or gives
// back an order it won (its stock was not on the shelf).
void Simulation::store_acts() {
  auto& store = stores_[random_.below(stores_.size())];
  std::vector<std::pair<std::string, std::uint32_t>> open;
  for (const auto& [key, state] : store.offers) {
    if (state == Offer::open) open.push_back(key);
  }
  if (!open.empty() && random_.chance(0.85)) {
    const auto key = open[random_.below(open.size())];
    const bool claim = random_.chance(0.75);
    store.offers[key] = claim ? Offer::claiming : Offer::declining;
    json body = {
        {"action", claim ? "claim" : "decline"}, {"order_id", key.first}, {"round", key.second}};
    if (!claim) body["reason"] = "no one to prepare it";
    send(store, std::move(body));
    // A store's screen refreshes its list after acting, now and then.
    if (random_.chance(0.3)) pending(store);
    return;
  }
  const auto held = store.held_orders();
  if (!held.empty() && random_.chance(0.3)) {
    const auto& order_id = held[random_.below(held.size())];
    send(store,
         {{"action", "release"}, {"order_id", order_id}, {"reason", "not found on the shelf"}});
  }
}

// Requests without an answer after a while are sent again, as they were (same key).
void Simulation::retry(Store& store) {
  for (auto& [inbox, request] : store.requests) {
    if (request.answered || request.sent_at + kRetryAfter > now_) continue;
    request.sent_at = now_;
    note(store.site + " asks again " + request.body.dump());
    net_.send({Packet::To::ordo, store.site, request.body.dump(), inbox, 0}, random_, now_);
  }
}

void Simulation::pending(Store& store) {
  Request request;
  for (const auto& [key, state] : store.offers) {
    if (state == Offer::open) request.known.insert(key);
  }
  send(store, {{"action", "pending"}}, std::move(request));
}

// Time passes; the pipeline's round clock closes the rounds past their deadline on its next turn
// (a separate step: claims may arrive in between, as with the real clock's 20 ms turns).
void Simulation::time_passes(Instant by) { now_ += by; }

void Simulation::expire_due() {
  note("the round clock turns");
  auto expired = pipeline_->expire_due();
  if (!expired) fail("the round clock failed");
}

void Simulation::customer_service() {
  if (placed_.empty()) return;
  const auto& order_id = placed_[random_.below(placed_.size())];
  auto answer = run_command(
      engine::OrderCommand{order_id,
                           domain::order::CancelLines{{}, "the customer changed their mind", now_}},
      eventstore::ActorKind::user);
  if (!answer && std::holds_alternative<Error>(answer.error()))
    return fail("cancelling failed: " + std::get<Error>(answer.error()).to_string());
  note("customer service cancels " + order_id + (answer ? "" : " (refused)"));
}

void Simulation::check_step() {
  if (auto broken = log_.catch_up(*store_)) return fail(*broken);
  if (auto broken = log_.check_stock()) return fail(*broken);
  std::map<std::pair<std::string, std::uint32_t>, std::string> winners;
  for (const auto& store : stores_) {
    for (const auto& [key, state] : store.offers) {
      if (state != Offer::won) continue;
      if (!winners.emplace(key, store.site).second) {
        return fail(key.first + " round " + std::to_string(key.second) + " won by " + winners[key] +
                    " and " + store.site);
      }
    }
  }
}

// The faults stop and time runs on: rounds end, the relay catches up, every request is answered,
// and each store asks for its pending offers once.
void Simulation::drain() {
  note("the faults stop");
  net_.set_faults({0, 0, net_.faults().delay_max});
  for (int turn = 0; turn < 60 && failure_.empty(); ++turn) {
    time_passes(kRoundTimeout + kSecond);
    expire_due();
    for (int i = 0; i < 1000 && failure_.empty(); ++i) {
      const auto before = cursor_;
      relay();
      if (cursor_ == before) break;
    }
    deliver_all();
    for (auto& store : stores_) retry(store);
    deliver_all();
    check_step();
    bool asking = false;
    for (const auto& store : stores_) {
      for (const auto& [inbox, request] : store.requests) asking |= !request.answered;
    }
    if (log_.open_rounds() == 0 && net_.empty() && !asking) break;
  }
  // Without a message to a store lost, the messages alone told each store what it holds.
  if (net_.dropped_to_stores() == 0) {
    ++result_.told_by_messages;
    check_holdings(false);
  }
  for (auto& store : stores_) pending(store);
  deliver_all();
  if (failure_.empty()) check_step();
}

// Everything on its way arrives (the clock moves to each packet's time), answers included.
void Simulation::deliver_all() {
  check_step();  // the log as the packets on their way were made from
  for (int i = 0; !net_.empty() && failure_.empty(); ++i) {
    if (i == 100'000) return fail("the network never falls quiet");
    now_ = std::max(now_, net_.next_due());
    deliver();
    if (failure_.empty()) check_step();
  }
}

void Simulation::check_quiet() {
  if (log_.open_rounds() != 0) return fail("rounds still open after the drain");
  if (auto broken = log_.check_quiet()) return fail(*broken);
  for (const auto& store : stores_) {
    for (const auto& [key, state] : store.offers) {
      const auto name = offer_name(store.site, key.first, key.second);
      if (!ended(state)) return fail(name + " never ended for it");
      const auto* r = log_.round(key.first, key.second);
      if ((state == Offer::won) != (r->winner == store.site))
        return fail(name + ": the store and the log disagree on who won");
    }
  }
  check_holdings(true);
  for (const auto& [id, o] : log_.orders()) {
    for (const auto& [n, r] : o.rounds) {
      if (r.winner.empty()) continue;
      const auto& winner = store_at(r.winner);
      auto it = winner.offers.find({id, n});
      if (it == winner.offers.end() || it->second != Offer::won)
        return fail(offer_name(r.winner, id, n) + ": the log's winner does not know it won");
    }
  }
}

// What each store holds is what the log allocates to it: it heard of every release and
// cancellation, and of every line it won. Once `caught_up` (it asked for its pending offers), it
// knows the lines allocated to it directly, without a round, too.
void Simulation::check_holdings(bool caught_up) {
  for (const auto& store : stores_) {
    std::set<std::pair<std::string, std::uint32_t>> held, allocated;
    for (const auto& [key, entry] : store.lines) {
      if (entry.first) held.insert(key);
    }
    for (const auto& [id, o] : log_.orders()) {
      for (const auto& [n, line] : o.lines) {
        if (line.site == store.site && !line.cancelled && (caught_up || line.claimed))
          allocated.insert({id, n});
      }
    }
    for (const auto& key : allocated) {
      if (!held.contains(key))
        return fail(store.site + " does not know it holds " + key.first + " line " +
                    std::to_string(key.second) +
                    (caught_up ? " after catching up" : ", told by messages alone"));
    }
    for (const auto& key : held) {
      const auto* o = log_.order(key.first);
      const auto* line =
          o != nullptr && o->lines.contains(key.second) ? &o->lines.at(key.second) : nullptr;
      if (line == nullptr || line->site != store.site || line->cancelled)
        return fail(store.site + " still holds " + key.first + " line " +
                    std::to_string(key.second) + ", which the log does not allocate to it");
    }
  }
}

}  // namespace ordo::sim
