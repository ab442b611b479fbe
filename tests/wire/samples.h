// One event of every alternative with every field set to something other than its default, for the
// codec's round trips (a field the codec drops does not read back) and for the golden log. The
// configuration documents are the demo's (ops/config), read with the JSON codecs.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "eventstore/codec/codec.h"
#include "gateway/json/orchestration_json.h"
#include "gateway/json/promise_json.h"

namespace ordo::wire::testing {

namespace order = domain::order;
namespace stock = domain::stock;
inline constexpr domain::Instant kAt = 1'795'000'000'000'000;

inline nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return nlohmann::json::parse(in);
}

inline domain::site::Profile sample_profile() {
  domain::site::Profile p{"Lyon Part-Dieu",
                          domain::site::SiteType::dark_store,
                          "FR",
                          "69",
                          "69003",
                          45.76,
                          4.86,
                          "Europe/Paris",
                          {true, true, true, true},
                          {},
                          140,
                          {"kalenji", "salomon"},
                          {20'812, 20'813},
                          domain::site::Status::temporarily_closed};
  for (std::uint16_t d = 0; d < 7; ++d)
    p.opening_hours[d] = {static_cast<std::uint16_t>(480 + d), 1200};
  return p;
}

inline domain::catalog::Item sample_item() {
  return {"SKU-7",
          "Trail runner",
          "shoes/running",
          "kalenji",
          820,
          4100,
          {8990, "EUR"},
          true,
          false,
          {{"web-fr", {8490, "EUR"}}, {"web-gb", {7490, "GBP"}}}};
}

inline order::OrderPlaced sample_placed() {
  const domain::Address home{"Léa Martin", "12 rue Oberkampf", "bât. B", "75011", "Paris",
                             "FR",         "+33 6 12 34 56 78"};
  const domain::Address office{"Léa Martin", "1 place Kléber", "", "67000", "Strasbourg", "FR", ""};
  return {"O-1",
          "web",
          "C-7",
          "lea@example.com",
          {{1, "SKU-7", 2, 8990}, {2, "SKU-8", 1, 1990}},
          home,
          office,
          order::DeliveryMethod::pickup_point,
          {"relay@WH-1", kAt + 86'400'000'000, "mondial-relay", "WH-1", 20'500},
          {19970, "EUR"},
          kAt,
          {domain::AddressCheck::Verdict::confirm,
           "city",
           "Pariss is not a place at postcode 75011",
           {"75011 Paris"},
           {"Léa Martin", "12 rue Oberkampf", "bât. B", "75011", "Pariss", "FR", ""}}};
}

/// The brand and channel events, fully populated.
inline std::vector<DomainEvent> master_samples() {
  std::vector<DomainEvent> out;
  out.push_back(domain::brand::Event{domain::brand::BrandDefined{{"kalenji", "Kalenji"}}});
  out.push_back(domain::brand::Event{domain::brand::BrandChanged{{"kalenji", "KALENJI"}}});
  using M = order::DeliveryMethod;
  const domain::channel::Channel web_gb{"web-gb",
                                        "Web shop UK",
                                        {"GB", "IE"},
                                        "GBP",
                                        "kalenji",
                                        "web-uk",
                                        {M::home_standard, M::click_and_collect},
                                        domain::channel::AddressPolicy::hold,
                                        150};
  out.push_back(domain::channel::Event{domain::channel::ChannelDefined{web_gb}});
  out.push_back(domain::channel::Event{domain::channel::ChannelChanged{web_gb}});
  return out;
}

/// An address customer service kept although the check doubted it.
inline order::DeliveryAddressChanged address_change() {
  const domain::Address written{"Léa", "2 rue de la Paix", "", "75002", "Pariss", "FR", "+33"};
  auto kept = written;
  kept.city = "Paris";
  return {kept,
          {domain::AddressCheck::Verdict::confirm,
           "city",
           "Pariss is not at postcode 75002",
           {"75002 Paris"},
           written},
          "customer confirmed by phone"};
}

/// Every alternative of DomainEvent, in variant order, each fully populated.
inline std::vector<DomainEvent> populated_samples(const std::string& source_dir) {
  namespace site = domain::site;
  namespace cfg = domain::configuration;
  const std::vector<order::SiteVerdict> considered = {
      {"WH-1", "allocated", "priority 10 (warehouses)", 1, 412},
      {"ST-2", "dropped", "no preparation capacity left today", 0, 3}};
  std::vector<DomainEvent> out = {
      site::Event{site::SiteRegistered{"WH-1", sample_profile()}},
      site::Event{site::SiteUpdated{"WH-1", sample_profile()}},
      site::Event{site::SiteClosed{"WH-1", true, "lease ended", kAt + 14}},
      site::Event{site::SiteReopened{"WH-1", kAt + 15}},
      domain::catalog::Event{domain::catalog::ItemDefined{sample_item()}},
      domain::catalog::Event{domain::catalog::ItemChanged{sample_item()}},
      stock::Event{stock::StockReceived{12, "PO-4471"}},
      stock::Event{stock::StockAdjusted{-3, "broken in the aisle"}},
      stock::Event{stock::StockCounted{7, -2, 1, "pos", 42}},
      stock::Event{stock::StockReserved{"O-1/1", "O-1", 1, 2, "web", {}}},
      stock::Event{stock::StockReserved{"O-2/1", "O-2", 1, 4, "web", "asn-7"}},
      stock::Event{stock::StockHeld{"O-2/1", "O-2", 1, 3, "marketplace"}},
      stock::Event{stock::ReservationReleased{"O-1/1", 2, "cancelled by customer service"}},
      stock::Event{stock::StockPicked{"O-1/1"}},
      stock::Event{stock::StockShipped{"O-1/1", 2}},
      stock::Event{stock::ReceiptExpected{"PO-9", 40, kAt + 3 * 86'400'000'000}},
      stock::Event{stock::ReceiptConfirmed{"PO-9", 38}},
      stock::Event{stock::ReceiptCancelled{"PO-10"}},
      order::Event{sample_placed()},
      order::Event{order::LinesAllocated{{{1, "WH-1"}, {2, "ST-2"}}}},
      order::Event{order::PreparationStarted{"WH-1", {1, 2}}},
      order::Event{order::OrderPrepared{"WH-1", {1}, true}},
      order::Event{order::OrderShipped{"WH-1", {1, 2}, "colissimo", "6A12345678901"}},
      order::Event{order::OrderDelivered{"WH-1", {1, 2}, kAt + 5}},
      order::Event{order::LinesCancelled{{2}, "out of size"}},
      order::Event{address_change()},
      order::Event{order::SourcingDecided{"stores-compete", 3, "round", "stores compete", 2,
                                          considered, kAt + 6}},
      order::Event{
          order::OfferRoundOpened{2, {"ST-2", "ST-3"}, kAt + 7, kAt + 120'000'007, {1, 2}}},
      order::Event{order::OfferClaimed{2, "ST-3", kAt + 8}},
      order::Event{order::OfferDeclined{2, "ST-2", "too busy", kAt + 9}},
      order::Event{order::OfferRoundClosed{1, order::RoundEnd::all_declined, kAt + 10}},
      order::Event{order::QueuedForService{"no store claimed the order in 3 rounds"}},
      order::Event{order::AllocationReleased{"ST-3", {1}, "not on the shelf", {}}},
      order::Event{order::AllocationReleased{"WH-LYON", {4}, "receipt asn-7 short", "asn-7"}},
      order::Event{order::LinesSplit{{{1, {{1, 3}, {4, 2}}}, {2, {{2, 1}, {5, 1}, {6, 1}}}}}},
      order::Event{order::LinesPreOrdered{{{4, "WH-LYON", "asn-7", 1'700'600'000'000'000}}}},
  };
  domain::InventoryViews views;
  views.channels.push_back({"web",
                            {{"WH-1"}, {site::SiteType::store}, {"FR"}, {"69"}},
                            80,
                            {{{{}, {site::SiteType::store}, {}, {}}, "shoes", 1}},
                            14,
                            3});
  views.exclusions.push_back(
      {"vip", {{}, {site::SiteType::warehouse}, {}, {}}, {"SKU-7"}, "shoes", 2, {"web"}});
  out.push_back(
      cfg::Event{cfg::ConfigurationChanged{views, "analyst@retail", "peak season", 4, kAt + 11}});
  auto rules = json::parse_orchestration(
      read_json(source_dir + "/ops/config/orchestration.json")["document"]);
  auto promise = json::parse_promise_config(read_json(source_dir + "/ops/config/promise.json"));
  if (!rules || !promise) throw std::runtime_error("the demo configuration does not parse");
  out.push_back(cfg::Event{
      cfg::ConfigurationChanged{*rules, "analyst@retail", "stores compete", 5, kAt + 12}});
  out.push_back(
      cfg::Event{cfg::ConfigurationChanged{*promise, "analyst@retail", "carriers", 6, kAt + 13}});
  for (auto& e : master_samples()) out.push_back(std::move(e));
  return out;
}

/// The API token events, fully populated.
inline std::vector<domain::access::Event> populated_access_samples() {
  namespace access = domain::access;
  return {access::Event{access::TokenIssued{"0123456789abcdef01234567",
                                            std::string(64, 'a'),
                                            access::Role::store,
                                            {"ST-2", ""},
                                            "till of store 2",
                                            kAt}},
          access::Event{
              access::TokenRevoked{"0123456789abcdef01234567", "the till was stolen", kAt + 1}}};
}

/// The user aggregate's events, every field set to something other than its default.
inline std::vector<domain::users::Event> populated_user_samples() {
  namespace users = domain::users;
  namespace access = domain::access;
  const access::Grant grant{access::Role::store_manager,
                            {{"FR", "DE"}, {"web"}, {"nordika"}, {"FR-CAEN"}},
                            access::Effect::deny};
  const std::string hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  return {
      users::Event{users::UserInvited{"u0123456789abcdef",
                                      "anna@example.fr",
                                      "Anna Martin",
                                      {grant, {access::Role::auditor, {}, access::Effect::allow}},
                                      std::string(64, 'e'),
                                      kAt + 9,
                                      "u-admin",
                                      "new agent",
                                      kAt}},
      users::Event{
          users::EnrolmentIssued{std::string(64, 'f'), kAt + 10, "u-admin", "again", kAt + 1}},
      users::Event{users::PasswordSet{hash, users::PasswordChange::rehashed, kAt + 2}},
      users::Event{users::TotpEnrolmentStarted{"5eed", kAt + 3}},
      users::Event{users::TotpConfirmed{"5eed", 58'833'333, {std::string(64, '1')}, kAt + 4}},
      users::Event{users::TotpCodeUsed{58'833'334, kAt + 5}},
      users::Event{users::RecoveryCodeUsed{7, kAt + 6}},
      users::Event{users::FactorsReset{"u-admin", "phone lost", kAt + 7}},
      users::Event{users::StatusChanged{users::Status::disabled, "u-admin", "left", kAt + 8}},
      users::Event{users::GrantChanged{grant, true, "u-admin", "covers Caen", kAt + 9}},
      users::Event{users::SignInRecorded{users::SignInOutcome::throttled, "wrong code",
                                         "203.0.113.9", kAt + 10}}};
}

/// The session events, every field set.
inline std::vector<domain::sessions::Event> populated_session_samples() {
  namespace sessions = domain::sessions;
  return {sessions::Event{sessions::SessionStarted{std::string(32, 'a'), "u0123456789abcdef",
                                                   std::string(64, 'b'), 3, true, "203.0.113.9",
                                                   "Firefox", 1'800'000'000, 43'200'000'000, kAt}},
          sessions::Event{sessions::SessionTouched{kAt + 1}},
          sessions::Event{sessions::SessionReauthenticated{kAt + 2}},
          sessions::Event{sessions::SessionEnded{sessions::EndReason::credentials_changed,
                                                 "u-admin", kAt + 3}}};
}

}  // namespace ordo::wire::testing
