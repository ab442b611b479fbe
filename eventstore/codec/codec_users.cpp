// Codec of the user aggregate's events (domain/users.h). Like the API token events they are not
// engine events: the pipeline and the projections skip them; the gateway's user registry reads
// them.
#include <algorithm>
#include <utility>

#include "eventstore/codec/codec.h"
#include "eventstore/codec/codec_support.h"
#include "eventstore/codec/schema/users_generated.h"

namespace ordo::wire {
namespace {

namespace fb = ordo::events::fb;
namespace users = domain::users;
namespace access = domain::access;

flatbuffers::Offset<fb::UserGrant> write_grant(Builder& b, const access::Grant& g) {
  return fb::CreateUserGrant(b, b.CreateString(std::string(access::to_string(g.role))),
                             static_cast<std::uint8_t>(g.effect), strings(b, g.scope.countries),
                             strings(b, g.scope.channels), strings(b, g.scope.brands),
                             strings(b, g.scope.sites));
}

// A grant naming a role this build does not know is damage (or a newer Ordo): refused.
Result<access::Grant> read_grant(const fb::UserGrant* g) {
  if (g == nullptr) return fail(ErrorCode::corruption, "a grant is missing");
  const auto role = access::role_from_string(text(g->role()));
  if (!role) return fail(ErrorCode::corruption, "a grant names an unknown role");
  return access::Grant{
      *role,
      {texts(g->countries()), texts(g->channels()), texts(g->brands()), texts(g->sites())},
      enum_of(g->effect(), access::Effect::deny, "grant effect")};
}

struct Encoder {
  Builder& b;
  EventData operator()(const users::UserInvited& e) {
    std::vector<flatbuffers::Offset<fb::UserGrant>> grants;
    for (const auto& g : e.grants) grants.push_back(write_grant(b, g));
    b.Finish(fb::CreateUserInvitedDirect(
        b, e.user_id.c_str(), e.email.c_str(), e.name.c_str(), &grants, e.enrolment_sha256.c_str(),
        e.enrolment_expires_at, e.by.c_str(), e.reason.c_str(), e.at));
    return finish(b, "UserInvited");
  }
  EventData operator()(const users::EnrolmentIssued& e) {
    b.Finish(fb::CreateEnrolmentIssuedDirect(b, e.enrolment_sha256.c_str(), e.enrolment_expires_at,
                                             e.by.c_str(), e.reason.c_str(), e.at));
    return finish(b, "EnrolmentIssued");
  }
  EventData operator()(const users::PasswordSet& e) {
    b.Finish(fb::CreatePasswordSetDirect(b, e.password_hash.c_str(),
                                         static_cast<std::uint8_t>(e.change), e.at));
    return finish(b, "PasswordSet");
  }
  EventData operator()(const users::TotpEnrolmentStarted& e) {
    b.Finish(fb::CreateTotpEnrolmentStartedDirect(b, e.sealed_secret.c_str(), e.at));
    return finish(b, "TotpEnrolmentStarted");
  }
  EventData operator()(const users::TotpConfirmed& e) {
    b.Finish(fb::CreateTotpConfirmed(b, b.CreateString(e.sealed_secret), e.step,
                                     strings(b, e.recovery_sha256), e.at));
    return finish(b, "TotpConfirmed");
  }
  EventData operator()(const users::TotpCodeUsed& e) {
    b.Finish(fb::CreateTotpCodeUsed(b, e.step, e.at));
    return finish(b, "TotpCodeUsed");
  }
  EventData operator()(const users::RecoveryCodeUsed& e) {
    b.Finish(fb::CreateRecoveryCodeUsed(b, e.index, e.at));
    return finish(b, "RecoveryCodeUsed");
  }
  EventData operator()(const users::FactorsReset& e) {
    b.Finish(fb::CreateFactorsResetDirect(b, e.by.c_str(), e.reason.c_str(), e.at));
    return finish(b, "FactorsReset");
  }
  EventData operator()(const users::StatusChanged& e) {
    b.Finish(fb::CreateStatusChangedDirect(b, static_cast<std::uint8_t>(e.status), e.by.c_str(),
                                           e.reason.c_str(), e.at));
    return finish(b, "StatusChanged");
  }
  EventData operator()(const users::GrantChanged& e) {
    const auto grant = write_grant(b, e.grant);
    b.Finish(fb::CreateGrantChangedDirect(b, grant, e.added, e.by.c_str(), e.reason.c_str(), e.at));
    return finish(b, "GrantChanged");
  }
  EventData operator()(const users::SignInRecorded& e) {
    b.Finish(fb::CreateSignInRecordedDirect(b, static_cast<std::uint8_t>(e.outcome),
                                            e.detail.c_str(), e.client.c_str(), e.at));
    return finish(b, "SignInRecorded");
  }
};

template <class T>
Result<const T*> table_of(std::string_view payload, std::string_view type) {
  return root<T>(payload, type);
}

Result<users::Event> decode_invited(std::string_view payload) {
  auto table = table_of<fb::UserInvited>(payload, "UserInvited");
  if (!table) return std::unexpected(table.error());
  const auto* t = *table;
  std::vector<access::Grant> grants;
  if (t->grants() != nullptr) {
    for (const auto* g : *t->grants()) {
      auto grant = read_grant(g);
      if (!grant) return std::unexpected(grant.error());
      grants.push_back(std::move(*grant));
    }
  }
  return users::Event{users::UserInvited{text(t->user_id()), text(t->email()), text(t->name()),
                                         std::move(grants), text(t->enrolment_sha256()),
                                         t->enrolment_expires_at(), text(t->by()),
                                         text(t->reason()), t->at()}};
}

Result<users::Event> decode_credentials(std::string_view type, std::string_view payload) {
  if (type == "PasswordSet") {
    auto t = table_of<fb::PasswordSet>(payload, type);
    if (!t) return std::unexpected(t.error());
    return users::Event{users::PasswordSet{
        text((*t)->password_hash()),
        enum_of((*t)->change(), users::PasswordChange::rehashed, "password change"), (*t)->at()}};
  }
  if (type == "TotpEnrolmentStarted") {
    auto t = table_of<fb::TotpEnrolmentStarted>(payload, type);
    if (!t) return std::unexpected(t.error());
    return users::Event{users::TotpEnrolmentStarted{text((*t)->sealed_secret()), (*t)->at()}};
  }
  if (type == "TotpConfirmed") {
    auto t = table_of<fb::TotpConfirmed>(payload, type);
    if (!t) return std::unexpected(t.error());
    return users::Event{users::TotpConfirmed{text((*t)->sealed_secret()), (*t)->step(),
                                             texts((*t)->recovery_sha256()), (*t)->at()}};
  }
  if (type == "TotpCodeUsed") {
    auto t = table_of<fb::TotpCodeUsed>(payload, type);
    if (!t) return std::unexpected(t.error());
    return users::Event{users::TotpCodeUsed{(*t)->step(), (*t)->at()}};
  }
  auto t = table_of<fb::RecoveryCodeUsed>(payload, type);
  if (!t) return std::unexpected(t.error());
  return users::Event{users::RecoveryCodeUsed{(*t)->index(), (*t)->at()}};
}

Result<users::Event> decode_administration(std::string_view type, std::string_view payload) {
  if (type == "EnrolmentIssued") {
    auto t = table_of<fb::EnrolmentIssued>(payload, type);
    if (!t) return std::unexpected(t.error());
    return users::Event{users::EnrolmentIssued{text((*t)->enrolment_sha256()),
                                               (*t)->enrolment_expires_at(), text((*t)->by()),
                                               text((*t)->reason()), (*t)->at()}};
  }
  if (type == "FactorsReset") {
    auto t = table_of<fb::FactorsReset>(payload, type);
    if (!t) return std::unexpected(t.error());
    return users::Event{users::FactorsReset{text((*t)->by()), text((*t)->reason()), (*t)->at()}};
  }
  if (type == "StatusChanged") {
    auto t = table_of<fb::StatusChanged>(payload, type);
    if (!t) return std::unexpected(t.error());
    return users::Event{
        users::StatusChanged{enum_of((*t)->status(), users::Status::disabled, "user status"),
                             text((*t)->by()), text((*t)->reason()), (*t)->at()}};
  }
  if (type == "GrantChanged") {
    auto t = table_of<fb::GrantChanged>(payload, type);
    if (!t) return std::unexpected(t.error());
    auto grant = read_grant((*t)->grant());
    if (!grant) return std::unexpected(grant.error());
    return users::Event{users::GrantChanged{std::move(*grant), (*t)->added(), text((*t)->by()),
                                            text((*t)->reason()), (*t)->at()}};
  }
  auto t = table_of<fb::SignInRecorded>(payload, type);
  if (!t) return std::unexpected(t.error());
  return users::Event{users::SignInRecorded{
      enum_of((*t)->outcome(), users::SignInOutcome::throttled, "sign-in outcome"),
      text((*t)->detail()), text((*t)->client()), (*t)->at()}};
}

}  // namespace

EventData encode(const users::Event& event) {
  Builder b;
  return std::visit(Encoder{b}, event);
}

const std::vector<std::string>& user_type_names() {
  static const auto kNames =
      type_names_of<users::Event>([](const users::Event& e) { return encode(e); });
  return kNames;
}

bool is_user_type(std::string_view type) {
  const auto& names = user_type_names();
  return std::find(names.begin(), names.end(), type) != names.end();
}

Result<users::Event> decode_user(std::string_view type, std::uint16_t schema_version,
                                 std::string_view payload) {
  return decode_checked(
      type, schema_version, payload, is_user_type(type), [&](std::string_view aligned_payload) {
        if (type == "UserInvited") return decode_invited(aligned_payload);
        if (type == "PasswordSet" || type.starts_with("Totp") || type == "RecoveryCodeUsed")
          return decode_credentials(type, aligned_payload);
        return decode_administration(type, aligned_payload);
      });
}

}  // namespace ordo::wire
