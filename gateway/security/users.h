// The user registry: the people of the back office, folded from their events ("user-<id>"), with
// their e-mail addresses unique. It invites people, completes their enrolment (hashing the
// password), and runs every other user command through domain/users.h's decider, appending what
// it decides. Second factors and sign-in build on it (gateway/security/sign_in.h).
//
// An enrolment code reads "<user_id>-<secret>": the user id says whose it is, the secret (128
// random bits) is shown once and only its SHA-256 is stored.
//
// Like the token registry it folds every user event at load and then follows its own appends:
// the store admits one process at a time (`ordo user ...` runs while the server is stopped).
// Thread-safety: every method may be called from any thread; changes are serialized (which also
// keeps e-mail addresses unique). Errors: invalid_argument (a refused command: the decider's
// reason), not_found, conflict (an e-mail address already used), and the event store's own.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>

#include "domain/users.h"
#include "eventstore/event_store.h"
#include "gateway/security/credentials.h"
#include "gateway/security/grant_text.h"

namespace ordo::gateway {

struct Invitation {
  std::string user_id;
  std::string enrolment_code;  // shown to whoever hands it to the person, once; never stored
  domain::Instant expires_at = 0;
};

class UserRegistry {
 public:
  static constexpr domain::Instant kEnrolmentLifetime = 72LL * 3600 * 1'000'000;

  static Result<std::unique_ptr<UserRegistry>> load(eventstore::EventStore& store,
                                                    security::PasswordCost cost = {});

  /// Invites a person. conflict when the address is another user's.
  Result<Invitation> invite(std::string email, std::string name,
                            std::vector<domain::access::Grant> grants,
                            const domain::users::Actor& actor, std::string reason,
                            const eventstore::Actor& writer);
  /// A new enrolment code (the former one stops working).
  Result<Invitation> reissue_enrolment(const std::string& user_id,
                                       const domain::users::Actor& actor, std::string reason,
                                       const eventstore::Actor& writer);
  /// Sets the password of the person the code names (checked against the rules and the common
  /// passwords) and makes them active. The same refusal for every bad code. Takes argon2id's
  /// time and memory: callers run it off the I/O threads.
  Result<std::string> complete_enrolment(std::string_view code, std::string_view password,
                                         const security::CommonPasswords* common);
  /// Decides `command` for the user it names and appends the events; nothing when already done.
  Result<void> execute(const domain::users::Command& command, const eventstore::Actor& writer);

  std::optional<domain::users::State> find(const std::string& user_id) const;
  std::optional<domain::users::State> find_by_email(std::string_view email) const;
  std::vector<domain::users::State> list() const;
  bool empty() const;
  const security::PasswordCost& password_cost() const { return cost_; }

 private:
  UserRegistry(eventstore::EventStore& store, security::PasswordCost cost)
      : store_(store), cost_(cost) {}
  Result<void> append_locked(const std::string& user_id, const domain::users::Command& command,
                             const eventstore::Actor& writer);

  eventstore::EventStore& store_;
  const security::PasswordCost cost_;
  std::mutex write_mutex_;  // one change at a time: decide, append, fold
  mutable std::shared_mutex mutex_;
  struct Entry {
    domain::users::State state;
    std::uint64_t version = 0;
  };
  std::map<std::string, Entry, std::less<>> users_;
  std::map<std::string, std::string, std::less<>> by_email_;
};

}  // namespace ordo::gateway
