#include "gateway/security/users.h"

#include "base/clock.h"
#include "base/secrets.h"
#include "engine/streams.h"
#include "eventstore/codec/codec.h"
#include "gateway/security/fold_log.h"

namespace ordo::gateway {
namespace {

namespace users = domain::users;

Error refused(const domain::Rejection& rejection) {
  return Error{rejection.code == domain::Rejection::Code::not_found ? ErrorCode::not_found
                                                                    : ErrorCode::invalid_argument,
               rejection.reason};
}

const std::string& user_of(const users::Command& command) {
  return std::visit([](const auto& c) -> const std::string& { return c.user_id; }, command);
}

constexpr std::string_view kBadCode =
    "this enrolment code is not valid: it may have expired or been used; ask an administrator "
    "for a new one";

}  // namespace

Result<std::unique_ptr<UserRegistry>> UserRegistry::load(eventstore::EventStore& store,
                                                         security::PasswordCost cost) {
  std::unique_ptr<UserRegistry> registry(new UserRegistry(store, cost));
  auto folded = fold_log<engine::UserAggregate>(
      store, wire::user_type_names(), wire::decode_user,
      [&](const std::string& id, const users::Event& event, const eventstore::RecordedEvent& e) {
        auto& entry = registry->users_[id];
        entry.state = users::evolve(std::move(entry.state), event);
        entry.version = e.stream_version;
        if (const auto* invited = std::get_if<users::UserInvited>(&event))
          registry->by_email_[invited->email] = invited->user_id;
      });
  if (!folded) return std::unexpected(folded.error());
  return registry;
}

Result<void> UserRegistry::append_locked(const std::string& user_id, const users::Command& command,
                                         const eventstore::Actor& writer) {
  Entry entry;
  {
    std::shared_lock lock(mutex_);
    if (auto it = users_.find(user_id); it != users_.end()) entry = it->second;
  }
  auto decision = users::decide(command, entry.state);
  if (!decision) return std::unexpected(refused(decision.error()));
  if (decision->empty()) return {};
  std::vector<eventstore::EventData> events;
  for (const auto& e : *decision) events.push_back(wire::encode(e));
  const auto expected = entry.version == 0 ? eventstore::ExpectedVersion::no_stream()
                                           : eventstore::ExpectedVersion::exact(entry.version);
  auto appended =
      store_.append(engine::user_stream(user_id), expected, std::move(events), {}, writer);
  if (!appended) return std::unexpected(appended.error());
  std::unique_lock lock(mutex_);
  auto& stored = users_[user_id];
  for (const auto& e : *decision) {
    stored.state = users::evolve(std::move(stored.state), e);
    if (const auto* invited = std::get_if<users::UserInvited>(&e))
      by_email_[invited->email] = invited->user_id;
  }
  stored.version = appended->stream_versions.front();
  return {};
}

Result<Invitation> UserRegistry::invite(std::string email, std::string name,
                                        std::vector<domain::access::Grant> grants,
                                        const users::Actor& actor, std::string reason,
                                        const eventstore::Actor& writer) {
  const auto normalized = users::normalize_email(email);
  if (!normalized) return fail(ErrorCode::invalid_argument, "the e-mail address is not an address");
  auto id = random_hex(8);
  auto secret = random_hex(16);
  if (!id || !secret) return std::unexpected(!id ? id.error() : secret.error());
  const std::string user_id = "u" + *id;  // 17 characters of [a-z0-9]
  const auto at = now_us();
  std::lock_guard write(write_mutex_);
  if (find_by_email(*normalized))
    return fail(ErrorCode::conflict, "another user has the e-mail address " + *normalized);
  users::InviteUser command{user_id,
                            std::move(email),
                            std::move(name),
                            std::move(grants),
                            sha256_hex(*secret),
                            at + kEnrolmentLifetime,
                            actor,
                            std::move(reason),
                            at};
  auto appended = append_locked(user_id, command, writer);
  if (!appended) return std::unexpected(appended.error());
  return Invitation{user_id, user_id + "-" + *secret, at + kEnrolmentLifetime};
}

Result<Invitation> UserRegistry::reissue_enrolment(const std::string& user_id,
                                                   const users::Actor& actor, std::string reason,
                                                   const eventstore::Actor& writer) {
  auto secret = random_hex(16);
  if (!secret) return std::unexpected(secret.error());
  const auto at = now_us();
  std::lock_guard write(write_mutex_);
  auto appended =
      append_locked(user_id,
                    users::ReissueEnrolment{user_id, sha256_hex(*secret), at + kEnrolmentLifetime,
                                            actor, std::move(reason), at},
                    writer);
  if (!appended) return std::unexpected(appended.error());
  return Invitation{user_id, user_id + "-" + *secret, at + kEnrolmentLifetime};
}

Result<std::string> UserRegistry::complete_enrolment(std::string_view code,
                                                     std::string_view password,
                                                     const security::CommonPasswords* common) {
  const auto dash = code.find('-');
  const auto user = dash == std::string_view::npos ? std::optional<users::State>{}
                                                   : find(std::string(code.substr(0, dash)));
  if (!user || !user->exists) return fail(ErrorCode::invalid_argument, std::string(kBadCode));
  // The code is checked before the password: a wrong code costs no hash and learns no rule. The
  // decider checks it again, with the expiry, under the write lock.
  if (user->enrolment_sha256.empty() ||
      !equal_constant_time(user->enrolment_sha256, sha256_hex(code.substr(dash + 1))))
    return fail(ErrorCode::invalid_argument, std::string(kBadCode));
  if (auto problem = security::password_problem(password, user->email, user->name, common))
    return fail(ErrorCode::invalid_argument, *problem);
  auto hash = security::hash_password(password, cost_);
  if (!hash) return std::unexpected(hash.error());
  std::lock_guard write(write_mutex_);
  auto appended = append_locked(
      user->user_id,
      users::CompleteEnrolment{user->user_id, sha256_hex(code.substr(dash + 1)), *hash, now_us()},
      {eventstore::ActorKind::user, "user:" + user->user_id});
  if (!appended) return std::unexpected(appended.error());
  return user->user_id;
}

Result<void> UserRegistry::execute(const users::Command& command, const eventstore::Actor& writer) {
  std::lock_guard write(write_mutex_);
  return append_locked(user_of(command), command, writer);
}

std::optional<users::State> UserRegistry::find(const std::string& user_id) const {
  std::shared_lock lock(mutex_);
  auto it = users_.find(user_id);
  if (it == users_.end()) return std::nullopt;
  return it->second.state;
}

std::optional<users::State> UserRegistry::find_by_email(std::string_view email) const {
  const auto normalized = users::normalize_email(email);
  if (!normalized) return std::nullopt;
  std::shared_lock lock(mutex_);
  auto it = by_email_.find(*normalized);
  if (it == by_email_.end()) return std::nullopt;
  return users_.at(it->second).state;
}

std::vector<users::State> UserRegistry::list() const {
  std::shared_lock lock(mutex_);
  std::vector<users::State> out;
  for (const auto& [id, entry] : users_) out.push_back(entry.state);
  return out;
}

bool UserRegistry::empty() const {
  std::shared_lock lock(mutex_);
  return users_.empty();
}

}  // namespace ordo::gateway
