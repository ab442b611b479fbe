// Users: the decider as given / when / then (invitation, enrolment, the second factor, recovery
// codes, administration without escalation, throttling), and the law that no sequence of grant
// changes gives a user more than the granter held.
#include "domain/users.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "tests/domain/given_when_then.h"
#include "tests/domain/grant_model.h"

namespace ordo::domain {
namespace {

using namespace users;
using access::allow;
using access::deny;
using access::Effect;
using access::Grant;
using access::Role;
using testing::Scenario;
using Code = Rejection::Code;

struct UserDecider
    : testing::Decider<users::Command, users::Event, users::State, &users::decide, &users::evolve> {
};

constexpr Instant kAt = 1'765'000'000'000'000;
constexpr Instant kHour = 3'600'000'000;
const std::string kId = "u0123456789abcdef";
const std::string kCode(64, 'c');
const std::string kHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
const Actor kAdmin{"u-admin-0000000000", {allow(Role::admin)}};
const Grant kFrenchService = allow(Role::customer_service, {{"FR"}, {}, {}, {}});

UserInvited invited(std::vector<Grant> grants = {kFrenchService}) {
  return {kId,   "anna.martin@example.fr", "Anna Martin",  std::move(grants),
          kCode, kAt + 72 * kHour,         kAdmin.user_id, "new agent in Caen",
          kAt};
}
InviteUser invite(std::string email = " Anna.Martin@Example.FR ", Actor actor = kAdmin) {
  return {kId,   std::move(email), "Anna Martin", {kFrenchService},
          kCode, kAt + 72 * kHour, actor,         "new agent in Caen",
          kAt};
}
std::vector<std::string> recovery() {
  std::vector<std::string> out;
  for (char c = '0'; c <= '9'; ++c) out.emplace_back(64, c);
  return out;
}
const std::vector<users::Event> kActive = {invited(),
                                           PasswordSet{kHash, PasswordChange::enrolment, kAt + 1}};
std::vector<users::Event> with_totp() {
  auto history = kActive;
  history.push_back(TotpEnrolmentStarted{"5eed", kAt + 2});
  history.push_back(TotpConfirmed{"5eed", 100, recovery(), kAt + 3});
  return history;
}

TEST(Users, AnInvitationKeepsTheNormalizedAddressTheGrantsAndTheCodesHashOnly) {
  const State s = Scenario<UserDecider>().when(invite()).then({invited()});
  EXPECT_EQ(s.status, Status::invited);
  EXPECT_EQ(s.email, "anna.martin@example.fr");
  Scenario<UserDecider>()
      .given({invited()})
      .when(invite())
      .then_rejected(Code::already_exists, kId);
}

TEST(Users, MalformedInvitationsAreRefusedNamingTheField) {
  for (const auto& [email, reason] : std::vector<std::pair<std::string, std::string>>{
           {"anna", "e-mail"}, {"a@b", "e-mail"}, {"a b@c.fr", "e-mail"}, {"@c.fr", "e-mail"}}) {
    Scenario<UserDecider>().when(invite(email)).then_rejected(Code::invalid, reason);
  }
  auto machine = invite();
  machine.grants = {allow(Role::store, {{}, {}, {}, {"FR-CAEN"}})};
  Scenario<UserDecider>().when(machine).then_rejected(Code::invalid, "API tokens, not people");
  auto no_reason = invite();
  no_reason.reason.clear();
  Scenario<UserDecider>().when(no_reason).then_rejected(Code::invalid, "reason");
  auto bad_country = invite();
  bad_country.grants = {allow(Role::auditor, {{"UK"}, {}, {}, {}})};
  Scenario<UserDecider>().when(bad_country).then_rejected(Code::invalid, "ISO 3166");
}

TEST(Users, NobodyInvitesSomeoneWithMoreThanTheyHold) {
  const Actor french_admin{"u-fr-admin-0000000", {allow(Role::admin, {{"FR"}, {}, {}, {}})}};
  Scenario<UserDecider>().when(invite("anna@example.fr", french_admin)).then({[&] {
    auto e = invited();
    e.email = "anna@example.fr";
    e.by = french_admin.user_id;
    return users::Event{e};
  }()});
  auto everywhere = invite("anna@example.fr", french_admin);
  everywhere.grants = {allow(Role::customer_service)};
  Scenario<UserDecider>().when(everywhere).then_rejected(Code::invalid, "you do not hold");
}

TEST(Users, TheEnrolmentCodeSetsThePasswordOnceAndBeforeItExpires) {
  const CompleteEnrolment enrol{kId, kCode, kHash, kAt + kHour};
  const State s = Scenario<UserDecider>()
                      .given({invited()})
                      .when(enrol)
                      .then({PasswordSet{kHash, PasswordChange::enrolment, kAt + kHour}});
  EXPECT_EQ(s.status, Status::active);
  EXPECT_TRUE(s.enrolment_sha256.empty());
  const std::string same_answer = "not valid";
  Scenario<UserDecider>().given(kActive).when(enrol).then_rejected(Code::invalid, same_answer);
  auto wrong = enrol;
  wrong.enrolment_sha256 = std::string(64, 'd');
  Scenario<UserDecider>().given({invited()}).when(wrong).then_rejected(Code::invalid, same_answer);
  auto late = enrol;
  late.at = kAt + 72 * kHour;
  Scenario<UserDecider>().given({invited()}).when(late).then_rejected(Code::invalid, same_answer);
  Scenario<UserDecider>().when(enrol).then_rejected(Code::invalid, same_answer);
  auto md5 = enrol;
  md5.password_hash = "$1$abc$def";
  Scenario<UserDecider>().given({invited()}).when(md5).then_rejected(Code::invalid, "argon2id");
}

TEST(Users, ASecondFactorIsASecretConfirmedByAFirstCodeWithTenRecoveryCodes) {
  auto history = kActive;
  Scenario<UserDecider>()
      .given(history)
      .when(ConfirmTotp{kId, 100, recovery(), kAt + 3})
      .then_rejected(Code::wrong_state, "start again");
  history.push_back(TotpEnrolmentStarted{"5eed", kAt + 2});
  auto nine = recovery();
  nine.pop_back();
  Scenario<UserDecider>()
      .given(history)
      .when(ConfirmTotp{kId, 100, nine, kAt + 3})
      .then_rejected(Code::invalid, "ten recovery");
  const State s = Scenario<UserDecider>()
                      .given(history)
                      .when(ConfirmTotp{kId, 100, recovery(), kAt + 3})
                      .then({TotpConfirmed{"5eed", 100, recovery(), kAt + 3}});
  EXPECT_EQ(s.totp_secret, "5eed");
  EXPECT_GT(s.credentials_generation, State{}.credentials_generation + 1);
}

TEST(Users, NoTotpStepIsAcceptedTwiceNorAnEarlierOne) {
  Scenario<UserDecider>()
      .given(with_totp())
      .when(UseTotpCode{kId, 100, kAt + 4})
      .then_rejected(Code::invalid, "already used");
  Scenario<UserDecider>()
      .given(with_totp())
      .when(UseTotpCode{kId, 99, kAt + 4})
      .then_rejected(Code::invalid, "already used");
  auto history = with_totp();
  history.push_back(TotpCodeUsed{101, kAt + 4});
  Scenario<UserDecider>()
      .given(history)
      .when(UseTotpCode{kId, 101, kAt + 5})
      .then_rejected(Code::invalid, "already used");
  Scenario<UserDecider>()
      .given(history)
      .when(UseTotpCode{kId, 102, kAt + 5})
      .then({TotpCodeUsed{102, kAt + 5}});
  Scenario<UserDecider>()
      .given(kActive)
      .when(UseTotpCode{kId, 102, kAt + 5})
      .then_rejected(Code::wrong_state, "no second factor");
}

TEST(Users, ARecoveryCodeWorksOnce) {
  const std::string third(64, '2');
  auto history = with_totp();
  const State s = Scenario<UserDecider>()
                      .given(history)
                      .when(UseRecoveryCode{kId, third, kAt + 4})
                      .then({RecoveryCodeUsed{2, kAt + 4}});
  EXPECT_TRUE(s.recovery_sha256[2].empty());
  history.push_back(RecoveryCodeUsed{2, kAt + 4});
  Scenario<UserDecider>()
      .given(history)
      .when(UseRecoveryCode{kId, third, kAt + 5})
      .then_rejected(Code::invalid, "already used");
  Scenario<UserDecider>()
      .given(history)
      .when(UseRecoveryCode{kId, std::string(64, 'z'), kAt + 5})
      .then_rejected(Code::invalid, "not valid");
}

TEST(Users, ABreakGlassResetIsAnotherAdministratorsAuditedAct) {
  const State s = Scenario<UserDecider>()
                      .given(with_totp())
                      .when(ResetFactors{kId, kAdmin, "phone lost", kAt + 9})
                      .then({FactorsReset{kAdmin.user_id, "phone lost", kAt + 9}});
  EXPECT_TRUE(s.totp_secret.empty());
  EXPECT_TRUE(s.recovery_sha256.empty());
  Scenario<UserDecider>()
      .given(with_totp())
      .when(ResetFactors{kId, kAdmin, "", kAt + 9})
      .then_rejected(Code::invalid, "reason");
  const Actor herself{kId, {allow(Role::super_admin)}};
  Scenario<UserDecider>()
      .given(with_totp())
      .when(ResetFactors{kId, herself, "lost", kAt + 9})
      .then_rejected(Code::invalid, "their own");
  Scenario<UserDecider>().given(kActive).when(ResetFactors{kId, kAdmin, "x", kAt}).then({});
}

TEST(Users, NobodyManagesSomeoneWhoHoldsMore) {
  const Actor web_admin{"u-web-admin-000000", {allow(Role::admin, {{}, {"web"}, {}, {}})}};
  const auto boss = invited({allow(Role::super_admin)});
  for (const users::Command& c : std::vector<users::Command>{
           DisableUser{kId, web_admin, "leaving", kAt}, ResetFactors{kId, web_admin, "lost", kAt},
           AddGrant{kId, allow(Role::auditor, {{}, {"web"}, {}, {}}), web_admin, "audit", kAt},
           ReissueEnrolment{kId, kCode, kAt + kHour, web_admin, "again", kAt}}) {
    Scenario<UserDecider>().given({boss}).when(c).then_rejected(Code::invalid,
                                                                "more than you hold");
  }
}

TEST(Users, DisablingEndsTheSessionsAndEnablingReturnsToTheFormerStatus) {
  const State before = Scenario<UserDecider>().given(kActive).state();
  const State after =
      Scenario<UserDecider>()
          .given(kActive)
          .when(DisableUser{kId, kAdmin, "left the company", kAt + 9})
          .then({StatusChanged{Status::disabled, kAdmin.user_id, "left the company", kAt + 9}});
  EXPECT_GT(after.credentials_generation, before.credentials_generation);
  auto history = kActive;
  history.push_back(StatusChanged{Status::disabled, kAdmin.user_id, "left", kAt + 9});
  Scenario<UserDecider>().given(history).when(DisableUser{kId, kAdmin, "x", kAt}).then({});
  Scenario<UserDecider>()
      .given(history)
      .when(EnableUser{kId, kAdmin, "back", kAt + 10})
      .then({StatusChanged{Status::active, kAdmin.user_id, "back", kAt + 10}});
  Scenario<UserDecider>()
      .given({invited(), StatusChanged{Status::disabled, kAdmin.user_id, "x", kAt}})
      .when(EnableUser{kId, kAdmin, "back", kAt + 10})
      .then({StatusChanged{Status::invited, kAdmin.user_id, "back", kAt + 10}});
  Scenario<UserDecider>()
      .given(history)
      .when(ChangePassword{kId, kHash, kAt + 11})
      .then_rejected(Code::wrong_state, "not active");
}

TEST(Users, GrantsAreAddedAndRemovedWithinTheActorsOwn) {
  const Grant german = allow(Role::customer_service, {{"DE"}, {}, {}, {}});
  const State s =
      Scenario<UserDecider>()
          .given(kActive)
          .when(AddGrant{kId, german, kAdmin, "covers Germany", kAt + 9})
          .then({GrantChanged{german, true, kAdmin.user_id, "covers Germany", kAt + 9}});
  EXPECT_EQ(s.grants.size(), 2u);
  Scenario<UserDecider>()
      .given(kActive)
      .when(AddGrant{kId, kFrenchService, kAdmin, "x", kAt})
      .then({});
  Scenario<UserDecider>()
      .given(kActive)
      .when(RemoveGrant{kId, kFrenchService, kAdmin, "moved", kAt + 9})
      .then({GrantChanged{kFrenchService, false, kAdmin.user_id, "moved", kAt + 9}});
  const Actor french_admin{"u-fr-admin-0000000", {allow(Role::admin, {{"FR"}, {}, {}, {}})}};
  const Grant no_refunds_de = deny(Role::customer_service, {{"DE"}, {}, {}, {}});
  auto history = kActive;
  history.push_back(GrantChanged{no_refunds_de, true, kAdmin.user_id, "x", kAt});
  Scenario<UserDecider>()
      .given(history)
      .when(RemoveGrant{kId, no_refunds_de, french_admin, "lift", kAt + 9})
      .then_rejected(Code::invalid, "you do not hold");
}

TEST(Users, FailedSignInsThrottleTheAccountWithGrowingDelays) {
  auto history = kActive;
  State s = Scenario<UserDecider>().given(history).state();
  EXPECT_EQ(throttled_until(s), 0);
  std::vector<Instant> delays;
  for (int i = 1; i <= 15; ++i) {
    const Instant at = kAt + i * kHour;
    history.push_back(SignInRecorded{SignInOutcome::failed, "wrong password", "10.0.0.9", at});
    s = Scenario<UserDecider>().given(history).state();
    delays.push_back(throttled_until(s) == 0 ? 0 : throttled_until(s) - at);
  }
  const Instant second = 1'000'000;
  EXPECT_EQ((std::vector<Instant>{delays.begin(), delays.begin() + 6}),
            (std::vector<Instant>{0, 0, second, 2 * second, 4 * second, 8 * second}));
  EXPECT_EQ(delays.back(), 15 * 60 * second) << "at most 15 minutes";
  history.push_back(SignInRecorded{SignInOutcome::succeeded, "totp", "10.0.0.9", kAt + 99 * kHour});
  EXPECT_EQ(throttled_until(Scenario<UserDecider>().given(history).state()), 0);
}

TEST(Users, ASecondFactorIsRequiredWhenAGrantsRoleChangesWhatOthersDepend) {
  EXPECT_FALSE(requires_mfa(Scenario<UserDecider>().given(kActive).state()));
  EXPECT_TRUE(requires_mfa(
      Scenario<UserDecider>().given({invited({allow(Role::business_analyst)})}).state()));
  EXPECT_FALSE(requires_mfa(
      Scenario<UserDecider>().given({invited({deny(Role::business_analyst)})}).state()));
}

// A granter applies any sequence of grant additions and removals to a user it invited: at no
// point of the model's retailer does the user end up allowed where the granter was not.
RC_GTEST_PROP(UserLaws, NoSequenceOfGrantChangesGivesMoreThanTheGranterHeld, ()) {
  const Actor granter{"u-granter-00000000", *access::grants_of(1, 4, true)};
  // Half the grants asked for are copies of the granter's own (most of them grantable), half
  // arbitrary (most of them not).
  const auto asked = rc::gen::oneOf(access::grant(true), rc::gen::elementOf(granter.grants));
  State state;
  auto first = invite();
  first.actor = granter;
  first.grants = {*rc::gen::elementOf(granter.grants)};
  first.grants[0].effect = Effect::allow;
  const bool invited_ok = testing::decide_and_evolve<UserDecider>(first, state).has_value();
  const auto steps = *rc::gen::container<std::vector<std::pair<bool, Grant>>>(
      rc::gen::pair(rc::gen::arbitrary<bool>(), asked));
  int accepted = 0;
  for (const auto& [add, grant] : steps) {
    const users::Command c = add ? users::Command{AddGrant{kId, grant, granter, "r", kAt}}
                                 : users::Command{RemoveGrant{kId, grant, granter, "r", kAt}};
    accepted += testing::decide_and_evolve<UserDecider>(c, state) ? 1 : 0;
  }
  RC_CLASSIFY(!invited_ok, "invitation refused");
  RC_CLASSIFY(accepted > 0, "some change accepted");
  access::for_each_point(
      [&](access::Permission p, const auto& c, const auto& ch, const auto& b, const auto& site) {
        if (access::model_allows(state.grants, p, c, ch, b, site))
          RC_ASSERT(access::model_allows(granter.grants, p, c, ch, b, site));
      });
}

}  // namespace
}  // namespace ordo::domain
