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

// What Ordo tells a store on its own (relayed from the log) must be what the log says.
void Simulation::on_message(Store& store, const json& message) {
  const auto type = message.value("type", "");
  const auto order_id = message.value("order_id", "");
  const auto round = message.value("round", std::uint32_t{0});
  const auto name = offer_name(store.site, order_id, round);
  const auto* r = log_.round(order_id, round);
  note(store.site + " hears " + message.dump().substr(0, 100));
  if (type == "released") {
    const auto* o = log_.order(order_id);
    if (o == nullptr || !o->releases.contains(store.site))
      return fail(store.site + " told " + order_id + " was released; the log has no release");
    store.holding.erase(order_id);
    return;
  }
  if (r == nullptr || !r->sites.contains(store.site)) return fail(name + ": not in the log");
  auto [it, fresh] = store.offers.try_emplace({order_id, round}, Offer::open);
  if (type == "offer") return;  // a repeat (duplicate or sent again) changes nothing
  if (type == "won") {
    if (r->winner != store.site)
      return fail(name + ": told it won; the log's winner is '" + r->winner + "'");
    it->second = Offer::won;
    store.holding.insert(order_id);
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
  if (action == "release") {
    store.holding.erase(order_id);
    return;
  }
  auto& offer = store.offers[{order_id, request.body.value("round", std::uint32_t{0})}];
  if (result == "won") {
    offer = Offer::won;
    store.holding.insert(order_id);
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
    // Released: the store holds none of the order's lines any more.
    const auto* o = log_.order(order_id);
    if (o == nullptr) return fail(name + ": the order is not in the log");
    for (const auto& [n, line] : o->lines) {
      if (result == "ok" && line.site == store.site && !line.cancelled)
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
  if (result == "expired" && (r->winner == store.site || (!r->closed && r->deadline > now_)))
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
    store.offers.try_emplace(key, Offer::open);
  }
  for (const auto& key : request.known) {
    auto it = store.offers.find(key);
    if (it != store.offers.end() && it->second == Offer::open && !listed.contains(key))
      it->second = Offer::gone;
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
  if (!store.holding.empty() && random_.chance(0.3)) {
    auto it = store.holding.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(random_.below(store.holding.size())));
    send(store, {{"action", "release"}, {"order_id", *it}, {"reason", "not found on the shelf"}});
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

}  // namespace ordo::sim
