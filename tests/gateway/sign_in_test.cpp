// Sign-in over a real store: an unknown address and a wrong password answer alike; a second factor
// with no code accepted twice and recovery codes used once; throttling of accounts and of unknown
// addresses alike; a new session id at every sign-in; idle and absolute expiry with an injected
// clock; revocation at once and after a restart; a new factor ends the other sessions.
#include "gateway/security/sign_in.h"

#include <gtest/gtest.h>

#include <regex>

#include "base/hex.h"
#include "gateway/security/totp.h"
#include "tests/eventstore/test_support.h"

namespace ordo::gateway::security {
namespace {

namespace access = domain::access;
namespace users = domain::users;
using domain::Instant;
using eventstore::testing::TempDir;

constexpr Instant kSecond = 1'000'000;
constexpr Instant kMinute = 60 * kSecond;
const std::string kPassword = "tractor harbour violet 1987";

class SignInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = eventstore::testing::open_store(dir_.path() / "log");
    reopen();
  }
  void reopen() {
    sign_in_.reset();
    users_ = std::move(*UserRegistry::load(*store_));
    SignInOptions options;
    options.key_file = (dir_.path() / "totp.key").string();
    options.clock = [this] { return now_; };
    auto started = SignIn::start(*store_, *users_, nullptr, options);
    ASSERT_TRUE(started) << started.error().to_string();
    sign_in_ = std::move(*started);
  }
  // An active person with the role, and their id.
  std::string person(const std::string& email, access::Role role) {
    const users::Actor admin{"u-admin", {{access::Role::super_admin, {}, access::Effect::allow}}};
    auto invited = users_->invite(email, "Anna Martin", {{role, {}, access::Effect::allow}}, admin,
                                  "test", {eventstore::ActorKind::system, "test"});
    EXPECT_TRUE(invited) << invited.error().to_string();
    auto enrolled = users_->complete_enrolment(invited->enrolment_code, kPassword, nullptr);
    EXPECT_TRUE(enrolled) << enrolled.error().to_string();
    return invited->user_id;
  }
  // Enrols a TOTP factor; returns its raw secret.
  std::string enrol_totp(const std::string& user_id) {
    auto started = sign_in_->start_totp(user_id);
    EXPECT_TRUE(started);
    std::smatch m;
    EXPECT_TRUE(std::regex_search(started->first, m, std::regex("secret=([A-Z2-7]+)")));
    EXPECT_TRUE(started->second.starts_with("<svg"));
    const auto secret = decode_base32(m[1].str());
    auto codes = sign_in_->confirm_totp(user_id, totp_code(secret, now_ / kSecond / 30));
    EXPECT_TRUE(codes) << codes.error().to_string();
    recovery_ = *codes;
    return secret;
  }
  static std::string decode_base32(const std::string& text) {
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : text) {
      buffer = (buffer << 5) | static_cast<unsigned>(c >= 'A' ? c - 'A' : c - '2' + 26);
      bits += 5;
      if (bits >= 8) {
        out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out;
  }

  TempDir dir_;
  Instant now_ = 1'765'000'000 * kSecond;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<UserRegistry> users_;
  std::unique_ptr<SignIn> sign_in_;
  std::vector<std::string> recovery_;
};

TEST_F(SignInTest, AnUnknownAddressAndAWrongPasswordAnswerAlike) {
  person("anna@example.fr", access::Role::customer_service);
  const auto started = std::chrono::steady_clock::now();
  const auto unknown = sign_in_->password("nobody@example.fr", kPassword, "10.0.0.1");
  const auto unknown_us = std::chrono::steady_clock::now() - started;
  const auto wrong = sign_in_->password("anna@example.fr", "not the password", "10.0.0.2");
  ASSERT_TRUE(std::holds_alternative<SignInRefused>(unknown));
  ASSERT_TRUE(std::holds_alternative<SignInRefused>(wrong));
  EXPECT_EQ(std::get<SignInRefused>(unknown).reason, std::get<SignInRefused>(wrong).reason);
  EXPECT_EQ(std::get<SignInRefused>(unknown).kind, std::get<SignInRefused>(wrong).kind);
  EXPECT_GT(unknown_us, std::chrono::milliseconds(10)) << "an unknown address costs a hash too";
}

TEST_F(SignInTest, EachSignInGetsANewSessionThatAuthenticatesItsCookieOnly) {
  const auto anna = person("anna@example.fr", access::Role::customer_service);
  auto first = sign_in_->password("Anna@Example.fr", kPassword, "10.0.0.1");
  auto second = sign_in_->password("anna@example.fr", kPassword, "10.0.0.1");
  ASSERT_TRUE(std::holds_alternative<SessionGrant>(first));
  ASSERT_TRUE(std::holds_alternative<SessionGrant>(second));
  const auto& a = std::get<SessionGrant>(first);
  EXPECT_NE(a.session_id, std::get<SessionGrant>(second).session_id);
  auto who = sign_in_->authenticate(a.cookie);
  ASSERT_TRUE(std::holds_alternative<SessionPrincipal>(who));
  EXPECT_EQ(std::get<SessionPrincipal>(who).user.user_id, anna);
  EXPECT_EQ(std::get<SessionPrincipal>(who).csrf_token, a.csrf_token);
  auto forged = a.cookie;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_TRUE(std::holds_alternative<SignInRefused>(sign_in_->authenticate(forged)));
  EXPECT_TRUE(std::holds_alternative<SignInRefused>(sign_in_->authenticate("nonsense")));
}

TEST_F(SignInTest, ASecondFactorCodeIsAcceptedOnceAndARecoveryCodeOnce) {
  const auto anna = person("anna@example.fr", access::Role::business_analyst);
  const auto secret = enrol_totp(anna);
  now_ += 2 * kMinute;
  auto wanted = sign_in_->password("anna@example.fr", kPassword, "10.0.0.1");
  ASSERT_TRUE(std::holds_alternative<SecondFactorWanted>(wanted));
  const auto code = totp_code(secret, now_ / kSecond / 30);
  auto signed_in =
      sign_in_->second_factor(std::get<SecondFactorWanted>(wanted).ticket, code, "10.0.0.1");
  ASSERT_TRUE(std::holds_alternative<SessionGrant>(signed_in));
  EXPECT_FALSE(std::get<SessionGrant>(signed_in).second_factor_required);
  auto again = sign_in_->password("anna@example.fr", kPassword, "10.0.0.1");
  ASSERT_TRUE(std::holds_alternative<SecondFactorWanted>(again));
  const auto& ticket = std::get<SecondFactorWanted>(again).ticket;
  EXPECT_TRUE(std::holds_alternative<SignInRefused>(sign_in_->second_factor(ticket, code, "x")))
      << "the same code twice";
  ASSERT_EQ(recovery_.size(), 10u);
  EXPECT_TRUE(
      std::holds_alternative<SessionGrant>(sign_in_->second_factor(ticket, recovery_[3], "x")));
  auto third = sign_in_->password("anna@example.fr", kPassword, "10.0.0.1");
  EXPECT_TRUE(std::holds_alternative<SignInRefused>(
      sign_in_->second_factor(std::get<SecondFactorWanted>(third).ticket, recovery_[3], "x")))
      << "a recovery code works once";
}

TEST_F(SignInTest, RepeatedFailuresThrottleKnownAndUnknownAddressesAlike) {
  person("anna@example.fr", access::Role::customer_service);
  for (const auto* email : {"anna@example.fr", "nobody@example.fr"}) {
    for (int i = 0; i < 3; ++i) {
      auto r = sign_in_->password(email, "wrong password", std::string("10.0.1.") + email);
      ASSERT_TRUE(std::holds_alternative<SignInRefused>(r));
      EXPECT_EQ(std::get<SignInRefused>(r).kind, SignInRefused::Kind::wrong_credentials);
    }
    auto r = sign_in_->password(email, kPassword, std::string("10.0.2.") + email);
    ASSERT_TRUE(std::holds_alternative<SignInRefused>(r)) << email;
    EXPECT_EQ(std::get<SignInRefused>(r).kind, SignInRefused::Kind::throttled) << email;
    EXPECT_GT(std::get<SignInRefused>(r).retry_after, now_);
  }
  now_ += 2 * kSecond;
  EXPECT_TRUE(std::holds_alternative<SessionGrant>(
      sign_in_->password("anna@example.fr", kPassword, "10.0.3.1")));
}

TEST_F(SignInTest, SessionsEndWhenIdleAtTheirAbsoluteLifetimeAndWhenRevokedAlsoAfterARestart) {
  person("anna@example.fr", access::Role::customer_service);
  auto grant = [&] {
    return std::get<SessionGrant>(sign_in_->password("anna@example.fr", kPassword, "10.0.0.1"));
  };
  const auto idle = grant();
  now_ += 31 * kMinute;
  EXPECT_TRUE(std::holds_alternative<SignInRefused>(sign_in_->authenticate(idle.cookie)));
  const auto busy = grant();
  for (int i = 0; i < 12 * 3; ++i) {
    now_ += 20 * kMinute;
    const bool live = std::holds_alternative<SessionPrincipal>(sign_in_->authenticate(busy.cookie));
    EXPECT_EQ(live, i < 12 * 3 - 1) << "hour " << (i + 1) / 3.0;
  }
  const auto revoked = grant();
  const auto kept = grant();
  ASSERT_TRUE(sign_in_->end(revoked.session_id, domain::sessions::EndReason::revoked, "me"));
  EXPECT_TRUE(std::holds_alternative<SignInRefused>(sign_in_->authenticate(revoked.cookie)));
  const auto live = sign_in_->sessions_of(users_->find_by_email("anna@example.fr")->user_id);
  ASSERT_EQ(live.size(), 1u) << "the idle, expired and revoked ones are not listed";
  EXPECT_EQ(live[0].started.session_id, kept.session_id);
  now_ += 10 * kMinute;
  reopen();
  EXPECT_TRUE(std::holds_alternative<SignInRefused>(sign_in_->authenticate(revoked.cookie)));
  EXPECT_TRUE(std::holds_alternative<SessionPrincipal>(sign_in_->authenticate(kept.cookie)));
}

TEST_F(SignInTest, ANewSecondFactorEndsTheOtherSessions) {
  const auto anna = person("anna@example.fr", access::Role::customer_service);
  const auto before =
      std::get<SessionGrant>(sign_in_->password("anna@example.fr", kPassword, "10.0.0.1"));
  enrol_totp(anna);
  EXPECT_TRUE(std::holds_alternative<SignInRefused>(sign_in_->authenticate(before.cookie)));
}

TEST_F(SignInTest, APersonWhoseRolesNeedASecondFactorMayOnlyEnrolOneUntilTheyDo) {
  person("anna@example.fr", access::Role::business_analyst);
  auto grant = sign_in_->password("anna@example.fr", kPassword, "10.0.0.1");
  ASSERT_TRUE(std::holds_alternative<SessionGrant>(grant));
  EXPECT_TRUE(std::get<SessionGrant>(grant).second_factor_required);
  auto who = sign_in_->authenticate(std::get<SessionGrant>(grant).cookie);
  ASSERT_TRUE(std::holds_alternative<SessionPrincipal>(who));
  EXPECT_TRUE(std::get<SessionPrincipal>(who).enrolment_only);
}

}  // namespace
}  // namespace ordo::gateway::security
