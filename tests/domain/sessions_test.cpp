// Sessions as given / when / then: idle and absolute lifetimes with an injected clock, sign-out and
// revocation, credentials that change, coarse activity, and re-authentication for sensitive acts.
#include "domain/sessions.h"

#include "tests/domain/given_when_then.h"

namespace ordo::domain {
namespace {

using namespace sessions;
using testing::Scenario;
using Code = Rejection::Code;

struct SessionDecider : testing::Decider<sessions::Command, sessions::Event, sessions::State,
                                         &sessions::decide, &sessions::evolve> {};

constexpr Instant kAt = 1'765'000'000'000'000;
constexpr Instant kMinute = 60'000'000;
const std::string kId(32, 'a');
const std::string kSecret(64, 'b');

StartSession start(bool second_factor = true) {
  return {kId,       "u0123456789abcdef", kSecret,           3,  second_factor, "203.0.113.9",
          "Firefox", 30 * kMinute,        12 * 60 * kMinute, kAt};
}
SessionStarted started(bool second_factor = true) {
  return {kId,       "u0123456789abcdef", kSecret,           3,  second_factor, "203.0.113.9",
          "Firefox", 30 * kMinute,        12 * 60 * kMinute, kAt};
}

TEST(Sessions, ASessionStartsOnceWithItsLifetimes) {
  Scenario<SessionDecider>().when(start()).then({started()});
  Scenario<SessionDecider>()
      .given({started()})
      .when(start())
      .then_rejected(Code::already_exists, kId);
  auto backwards = start();
  backwards.idle_lifetime = 13 * 60 * kMinute;
  Scenario<SessionDecider>().when(backwards).then_rejected(Code::invalid, "lifetimes");
  auto short_id = start();
  short_id.session_id = "abc";
  Scenario<SessionDecider>().when(short_id).then_rejected(Code::invalid, "32 hex");
}

TEST(Sessions, IdleAndAbsoluteLifetimesEndASession) {
  const State s = Scenario<SessionDecider>().given({started()}).state();
  EXPECT_FALSE(why_not_live(s, kAt + 29 * kMinute, kAt, 3));
  EXPECT_EQ(why_not_live(s, kAt + 30 * kMinute, kAt, 3), EndReason::idle);
  EXPECT_FALSE(why_not_live(s, kAt + 50 * kMinute, kAt + 25 * kMinute, 3))
      << "activity the server saw moves the idle deadline";
  EXPECT_EQ(why_not_live(s, kAt + 12 * 60 * kMinute, kAt + 12 * 60 * kMinute - 1, 3),
            EndReason::expired)
      << "however active";
}

TEST(Sessions, ActivityIsRecordedAtMostOnceAMinuteAndSurvivesARestart) {
  Scenario<SessionDecider>().given({started()}).when(TouchSession{kId, kAt + kMinute - 1}).then({});
  const State s = Scenario<SessionDecider>()
                      .given({started()})
                      .when(TouchSession{kId, kAt + 20 * kMinute})
                      .then({SessionTouched{kAt + 20 * kMinute}});
  EXPECT_FALSE(why_not_live(s, kAt + 45 * kMinute, 0, 3)) << "the log alone keeps it alive";
  EXPECT_EQ(why_not_live(s, kAt + 50 * kMinute, 0, 3), EndReason::idle);
}

TEST(Sessions, SignOutAndRevocationEndItAtOnceAndForGood) {
  const State s = Scenario<SessionDecider>()
                      .given({started()})
                      .when(EndSession{kId, EndReason::revoked, "u-admin", kAt + 1})
                      .then({SessionEnded{EndReason::revoked, "u-admin", kAt + 1}});
  EXPECT_EQ(why_not_live(s, kAt + 2, kAt + 2, 3), EndReason::revoked);
  Scenario<SessionDecider>()
      .given({started(), SessionEnded{EndReason::signed_out, "me", kAt + 1}})
      .when(EndSession{kId, EndReason::revoked, "u-admin", kAt + 2})
      .then({});
  Scenario<SessionDecider>()
      .given({started(), SessionEnded{EndReason::signed_out, "me", kAt + 1}})
      .when(TouchSession{kId, kAt + 2 * kMinute})
      .then_rejected(Code::wrong_state, "ended");
  Scenario<SessionDecider>()
      .when(EndSession{kId, EndReason::signed_out, "me", kAt})
      .then_rejected(Code::not_found, kId);
}

TEST(Sessions, ANewPasswordOrFactorEndsTheSessionsStartedBefore) {
  const State s = Scenario<SessionDecider>().given({started()}).state();
  EXPECT_FALSE(why_not_live(s, kAt + 1, kAt, 3));
  EXPECT_EQ(why_not_live(s, kAt + 1, kAt, 4), EndReason::credentials_changed);
}

TEST(Sessions, SensitiveActsNeedARecentSecondFactor) {
  const State without = Scenario<SessionDecider>().given({started(false)}).state();
  EXPECT_FALSE(reauthenticated_within(without, kAt + 1, 5 * kMinute));
  const State fresh = Scenario<SessionDecider>().given({started(true)}).state();
  EXPECT_TRUE(reauthenticated_within(fresh, kAt + 4 * kMinute, 5 * kMinute));
  EXPECT_FALSE(reauthenticated_within(fresh, kAt + 6 * kMinute, 5 * kMinute));
  const State again = Scenario<SessionDecider>()
                          .given({started(true)})
                          .when(Reauthenticate{kId, kAt + 10 * kMinute})
                          .then({SessionReauthenticated{kAt + 10 * kMinute}});
  EXPECT_TRUE(reauthenticated_within(again, kAt + 12 * kMinute, 5 * kMinute));
}

}  // namespace
}  // namespace ordo::domain
