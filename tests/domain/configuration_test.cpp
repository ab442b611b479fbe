// Configuration changes: validated, versioned, attributed documents; a rejected change lists
// every problem and leaves the active version in force.
#include "domain/configuration.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "tests/domain/given_when_then.h"
#include "tests/domain/inventory_views_builders.h"

namespace ordo::domain::configuration {
namespace {

using testing::Channel;
using testing::retailer_views;
using testing::Scenario;
using testing::views;

struct ConfigurationDecider : testing::Decider<Command, Event, State, &decide, &evolve> {};
using Given = Scenario<ConfigurationDecider>;

constexpr Instant kMonday = 1'718'006'400'000'000;  // 2024-06-10 08:00 UTC
constexpr Instant kTuesday = kMonday + kMicrosPerDay;

ChangeConfiguration change(InventoryViews document, std::string author, std::string reason,
                           Instant at = kMonday) {
  return ChangeConfiguration{std::move(document), std::move(author), std::move(reason), at};
}

ConfigurationChanged changed(InventoryViews document, std::string author, std::string reason,
                             std::uint64_t version, Instant at) {
  return ConfigurationChanged{std::move(document), std::move(author), std::move(reason), version,
                              at};
}

// The marketplace's share cut to 70% for the summer sales.
InventoryViews summer_views() {
  InventoryViews document = retailer_views();
  document.channels[1].share_percent = 70;
  return document;
}

TEST(Configuration, TheAreaOfAnInventoryViewsDocumentIsInventoryViews) {
  EXPECT_EQ(area_name(Document{retailer_views()}), "inventory_views");
}

TEST(Configuration, TheFirstDocumentOfAnAreaIsVersion1) {
  const State state =
      Given()
          .given({})
          .when(change(retailer_views(), "claire.martin", "initial channel set-up"))
          .then({changed(retailer_views(), "claire.martin", "initial channel set-up", 1, kMonday)});
  EXPECT_EQ(state.version, 1u);
  EXPECT_EQ(state.active, Document{retailer_views()});
}

TEST(Configuration, EachChangeIsTheNextVersionAndBecomesActive) {
  const State state =
      Given()
          .given({changed(retailer_views(), "claire.martin", "initial channel set-up", 1, kMonday)})
          .when(change(summer_views(), "paul.durand", "summer sales: keep more for the web",
                       kTuesday))
          .then({changed(summer_views(), "paul.durand", "summer sales: keep more for the web", 2,
                         kTuesday)});
  EXPECT_EQ(state.version, 2u);
  EXPECT_EQ(state.active, Document{summer_views()});
}

TEST(Configuration, TheActiveDocumentAgainIsNothingToDo) {
  Given()
      .given({changed(retailer_views(), "claire.martin", "initial channel set-up", 1, kMonday)})
      .when(change(retailer_views(), "paul.durand", "re-sent by the back office", kTuesday))
      .then({});
}

TEST(Configuration, GoingBackToAnEarlierDocumentIsANewVersion) {
  Given()
      .given({changed(retailer_views(), "claire.martin", "initial channel set-up", 1, kMonday),
              changed(summer_views(), "paul.durand", "summer sales", 2, kMonday)})
      .when(change(retailer_views(), "paul.durand", "summer sales are over", kTuesday))
      .then({changed(retailer_views(), "paul.durand", "summer sales are over", 3, kTuesday)});
}

TEST(Configuration, AnInvalidDocumentIsRejectedWithEveryProblemOnItsOwnLine) {
  InventoryViews document = retailer_views();
  document.channels[0].share_percent = 120;
  document.channels[1].minimum_display = -1;
  Given()
      .given({changed(retailer_views(), "claire.martin", "initial channel set-up", 1, kMonday)})
      .when(change(document, "paul.durand", "typo", kTuesday))
      .then_rejected(Rejection::Code::invalid,
                     "/channels/0/share_percent: share_percent 120 is outside 0..100\n"
                     "/channels/1/minimum_display: minimum_display -1 must not be negative");
}

TEST(Configuration, AChangeNeedsAnAuthorAndAReason) {
  Given()
      .given({})
      .when(change(retailer_views(), "", " \t"))
      .then_rejected(Rejection::Code::invalid,
                     "/author: author is required\n/reason: reason is required");
}

TEST(Configuration, TheActiveDocumentWithoutAReasonIsStillRejected) {
  Given()
      .given({changed(retailer_views(), "claire.martin", "initial channel set-up", 1, kMonday)})
      .when(change(retailer_views(), "paul.durand", ""))
      .then_rejected(Rejection::Code::invalid, "/reason: reason is required");
}

TEST(Configuration, CheckListsTheDocumentsProblemsThenTheChangesOwn) {
  InventoryViews document = views({Channel(""), Channel("web").share(-5)});
  EXPECT_EQ(
      check(change(std::move(document), "", "why not")),
      (std::vector<ConfigError>{{"/channels/0/channel", "channel is required"},
                                {"/channels/1/share_percent", "share_percent -5 is outside 0..100"},
                                {"/author", "author is required"}}));
  EXPECT_TRUE(check(change(retailer_views(), "claire.martin", "set-up")).empty());
}

TEST(Configuration, EvolveTakesTheVersionAndDocumentOfTheEvent) {
  const State state =
      evolve(State{}, changed(summer_views(), "paul.durand", "summer sales", 7, kMonday));
  EXPECT_EQ(state, (State{7, Document{summer_views()}}));
}

// Any sequence of changes among a few documents: each accepted change that differs from the
// active document is one version more; replaying the events gives the state decided along.
RC_GTEST_PROP(ConfigurationLaws, VersionsCountTheChangesThatChangedSomething, ()) {
  const std::vector<InventoryViews> documents = {retailer_views(), summer_views(),
                                                 views({Channel("web")})};
  const auto picks = *rc::gen::container<std::vector<std::size_t>>(
      rc::gen::inRange<std::size_t>(0, documents.size()));
  State state;
  std::vector<Event> history;
  std::uint64_t changes = 0;
  for (std::size_t pick : picks) {
    const bool differs = state.active != Document{documents[pick]};
    const Decision<Event> decision =
        decide(change(documents[pick], "ops", "rotation", kMonday), state);
    RC_ASSERT(decision.has_value());
    RC_ASSERT(decision->size() == (differs ? 1u : 0u));
    for (const Event& event : *decision) state = evolve(std::move(state), event);
    history.insert(history.end(), decision->begin(), decision->end());
    if (differs) ++changes;
  }
  RC_TAG(picks.size() > changes ? "the active document sent again" : "every change a new version");
  RC_CLASSIFY(changes > documents.size(), "an earlier document made active again");
  RC_CLASSIFY(picks.empty(), "no change sent");
  RC_ASSERT(state.version == changes);
  State replayed;
  for (const Event& event : history) replayed = evolve(std::move(replayed), event);
  RC_ASSERT(replayed == state);
}

}  // namespace
}  // namespace ordo::domain::configuration
