#include "gateway/security/sign_in.h"

#include <chrono>
#include <future>

#include "base/secrets.h"
#include "engine/streams.h"
#include "eventstore/codec/codec.h"
#include "gateway/security/fold_log.h"
#include "gateway/security/totp.h"

namespace ordo::gateway::security {
namespace {

namespace users = domain::users;
namespace sessions = domain::sessions;
using Kind = SignInRefused::Kind;
using domain::Instant;

constexpr std::size_t kThrottleEntriesMax = 100'000;  // per map; beyond, the oldest half goes
constexpr int kTicketAttemptsMax = 5;

const std::string kWrongCredentials = "the e-mail address or the password is wrong";

// Failures of one key (an unknown e-mail address, a client address), with the same delays as an
// account's (domain/users.h): three free, then 1 s doubling to 15 minutes.
struct Failures {
  int count = 0;
  Instant last = 0;
};
Instant throttled_until(const Failures& f) {
  users::State s;
  s.failures = f.count;
  s.last_failure_at = f.last;
  return users::throttled_until(s);
}

SignInRefused throttled(Instant until) {
  return {Kind::throttled, "too many failed sign-ins: try again later", until};
}

}  // namespace

// The worker pool that hashes passwords off the I/O threads, with a bounded queue.
class HashingPool {
 public:
  HashingPool(std::size_t workers, std::size_t queue_max) : queue_max_(queue_max) {
    for (std::size_t i = 0; i < std::max<std::size_t>(workers, 1); ++i)
      threads_.emplace_back([this] { run(); });
  }
  ~HashingPool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
  }
  /// Runs `job` on a worker and waits for it; false (not run) when the queue is full.
  bool run_and_wait(std::function<void()> job) {
    std::packaged_task<void()> task(std::move(job));
    auto done = task.get_future();
    {
      std::lock_guard lock(mutex_);
      if (queue_.size() >= queue_max_ || stopping_) return false;
      queue_.push_back(std::move(task));
    }
    ready_.notify_one();
    done.wait();
    return true;
  }

 private:
  void run() {
    for (;;) {
      std::packaged_task<void()> task;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }
  const std::size_t queue_max_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::packaged_task<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

struct SignIn::Impl {
  eventstore::EventStore& store;
  UserRegistry& users;
  const CommonPasswords* common;
  SignInOptions options;
  SecretBox box;
  std::string decoy_hash;  // verified for unknown addresses, so that they cost the same time
  HashingPool pool;

  std::mutex mutex;  // guards everything below
  std::map<std::string, Failures, std::less<>> client_failures;
  std::map<std::string, Failures, std::less<>> unknown_failures;
  struct Ticket {
    std::string user_id;
    Instant expires_at = 0;
    int attempts = 0;
  };
  std::map<std::string, Ticket, std::less<>> tickets;
  struct Session {
    sessions::State state;
    std::uint64_t version = 0;
    Instant last_seen = 0;  // finer than the log's
  };
  std::map<std::string, Session, std::less<>> sessions_by_id;

  Impl(eventstore::EventStore& s, UserRegistry& u, const CommonPasswords* c, SignInOptions o,
       SecretBox b, std::string decoy)
      : store(s),
        users(u),
        common(c),
        options(std::move(o)),
        box(std::move(b)),
        decoy_hash(std::move(decoy)),
        pool(options.workers, options.queue_max) {}

  Instant now() const {
    if (options.clock) return options.clock();
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  Result<void> load_sessions();
  Result<void> append_session(const std::string& id, const sessions::Command& command);
  void record(const std::string& user_id, users::SignInOutcome outcome, std::string detail,
              const std::string& client);
  void note_failure(std::map<std::string, Failures, std::less<>>& map, const std::string& key);
  std::optional<Instant> throttled_for(const std::string& client, const std::string& email,
                                       const std::optional<users::State>& user);
  Result<SessionGrant> open_session(const users::State& user, bool second_factor,
                                    const std::string& client);
};

Result<void> SignIn::Impl::load_sessions() {
  return fold_log<engine::SessionAggregate>(
      store, wire::session_type_names(), wire::decode_session,
      [&](const std::string& id, const sessions::Event& event, const eventstore::RecordedEvent& e) {
        auto& s = sessions_by_id[id];
        s.state = sessions::evolve(std::move(s.state), event);
        s.version = e.stream_version;
        s.last_seen = s.state.last_seen_at;
      });
}

// Called with `mutex` held.
Result<void> SignIn::Impl::append_session(const std::string& id, const sessions::Command& command) {
  auto& s = sessions_by_id[id];
  auto decision = sessions::decide(command, s.state);
  if (!decision) return fail(ErrorCode::invalid_argument, decision.error().reason);
  if (decision->empty()) return {};
  std::vector<eventstore::EventData> events;
  for (const auto& e : *decision) events.push_back(wire::encode(e));
  const auto expected = s.version == 0 ? eventstore::ExpectedVersion::no_stream()
                                       : eventstore::ExpectedVersion::exact(s.version);
  auto appended = store.append(engine::session_stream(id), expected, std::move(events), {},
                               {eventstore::ActorKind::system, "sign-in"});
  if (!appended) return std::unexpected(appended.error());
  for (const auto& e : *decision) s.state = sessions::evolve(std::move(s.state), e);
  s.version = appended->stream_versions.front();
  return {};
}

void SignIn::Impl::record(const std::string& user_id, users::SignInOutcome outcome,
                          std::string detail, const std::string& client) {
  // A sign-in that cannot be recorded is still answered: the attempt's outcome does not depend on
  // its record (the failure counter does, and a lost failure only softens throttling once).
  (void)users.execute(users::RecordSignIn{user_id, outcome, std::move(detail), client, now()},
                      {eventstore::ActorKind::user, "user:" + user_id});
}

void SignIn::Impl::note_failure(std::map<std::string, Failures, std::less<>>& map,
                                const std::string& key) {
  if (map.size() >= kThrottleEntriesMax) {
    // Keep the busiest half: the keys an attacker is working on.
    std::vector<std::pair<int, std::string>> counts;
    for (const auto& [k, f] : map) counts.emplace_back(f.count, k);
    std::sort(counts.begin(), counts.end());
    for (std::size_t i = 0; i < counts.size() / 2; ++i) map.erase(counts[i].second);
  }
  auto& f = map[key];
  ++f.count;
  f.last = now();
}

std::optional<Instant> SignIn::Impl::throttled_for(const std::string& client,
                                                   const std::string& email,
                                                   const std::optional<users::State>& user) {
  const auto at = now();
  Instant until = 0;
  if (auto it = client_failures.find(client); it != client_failures.end())
    until = std::max(until, throttled_until(it->second));
  if (user) {
    until = std::max(until, users::throttled_until(*user));
  } else if (auto it = unknown_failures.find(email); it != unknown_failures.end()) {
    until = std::max(until, throttled_until(it->second));
  }
  if (until > at) return until;
  return std::nullopt;
}

Result<SessionGrant> SignIn::Impl::open_session(const users::State& user, bool second_factor,
                                                const std::string& client) {
  auto id = random_hex(16);
  auto secret = random_hex(32);
  if (!id || !secret) return std::unexpected(!id ? id.error() : secret.error());
  const auto at = now();
  std::lock_guard lock(mutex);
  auto started = append_session(
      *id, sessions::StartSession{*id, user.user_id, sha256_hex(*secret),
                                  user.credentials_generation, second_factor, client, "",
                                  options.idle_lifetime, options.absolute_lifetime, at});
  if (!started) return std::unexpected(started.error());
  sessions_by_id[*id].last_seen = at;
  const bool enrolment_only = users::requires_mfa(user) && user.totp_secret.empty();
  return SessionGrant{*id + "." + *secret, *id, sha256_hex("csrf:" + *secret), enrolment_only};
}

Result<std::unique_ptr<SignIn>> SignIn::start(eventstore::EventStore& store, UserRegistry& users,
                                              const CommonPasswords* common,
                                              SignInOptions options) {
  auto box = SecretBox::open_or_create(options.key_file);
  if (!box) return std::unexpected(box.error());
  auto decoy = hash_password(random_bytes(16), users.password_cost());
  if (!decoy) return std::unexpected(decoy.error());
  auto impl = std::make_unique<Impl>(store, users, common, std::move(options), std::move(*box),
                                     std::move(*decoy));
  if (auto loaded = impl->load_sessions(); !loaded) return std::unexpected(loaded.error());
  return std::unique_ptr<SignIn>(new SignIn(std::move(impl)));
}

SignIn::SignIn(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SignIn::~SignIn() = default;

PasswordOutcome SignIn::password(std::string_view email, std::string_view password,
                                 const std::string& client) {
  auto& m = *impl_;
  const auto normalized = users::normalize_email(email).value_or(std::string(email.substr(0, 254)));
  const auto user = m.users.find_by_email(normalized);
  {
    std::lock_guard lock(m.mutex);
    if (auto until = m.throttled_for(client, normalized, user)) {
      if (user) m.record(user->user_id, users::SignInOutcome::throttled, "password", client);
      return throttled(*until);
    }
  }
  // An unknown address is verified against the decoy hash: the same work, the same answer.
  const bool usable = user && user->status == users::Status::active && !user->password_hash.empty();
  const std::string hash = usable ? user->password_hash : m.decoy_hash;
  bool verified = false;
  bool rehash = false;
  const bool ran = m.pool.run_and_wait([&] {
    verified = verify_password(hash, password) && usable;
    rehash = verified && needs_rehash(hash, m.users.password_cost());
  });
  if (!ran) return SignInRefused{Kind::busy, "too many sign-ins at once: try again", 0};
  if (!verified) {
    std::lock_guard lock(m.mutex);
    m.note_failure(m.client_failures, client);
    if (user) {
      m.record(user->user_id, users::SignInOutcome::failed, "wrong password", client);
    } else {
      m.note_failure(m.unknown_failures, normalized);
    }
    return SignInRefused{Kind::wrong_credentials, kWrongCredentials, 0};
  }
  if (rehash) {
    std::string stronger;
    if (m.pool.run_and_wait(
            [&] { stronger = hash_password(password, m.users.password_cost()).value_or(""); }) &&
        !stronger.empty()) {
      (void)m.users.execute(users::RehashPassword{user->user_id, stronger, m.now()},
                            {eventstore::ActorKind::user, "user:" + user->user_id});
    }
  }
  if (!user->totp_secret.empty()) {
    auto ticket = random_hex(24);
    if (!ticket) return SignInRefused{Kind::busy, "try again", 0};
    std::lock_guard lock(m.mutex);
    if (m.tickets.size() >= kThrottleEntriesMax) m.tickets.clear();
    m.tickets[*ticket] = {user->user_id, m.now() + m.options.ticket_lifetime, 0};
    return SecondFactorWanted{*ticket};
  }
  m.record(user->user_id, users::SignInOutcome::succeeded, "password", client);
  auto session = m.open_session(*user, false, client);
  if (!session) return SignInRefused{Kind::busy, "the session could not be recorded: try again", 0};
  return *session;
}

SecondFactorOutcome SignIn::second_factor(std::string_view ticket, std::string_view code,
                                          const std::string& client) {
  auto& m = *impl_;
  const auto refused = SignInRefused{Kind::wrong_credentials, "the code is wrong or expired", 0};
  std::string user_id;
  {
    std::lock_guard lock(m.mutex);
    auto it = m.tickets.find(ticket);
    if (it == m.tickets.end()) return refused;
    if (it->second.expires_at <= m.now() || ++it->second.attempts > kTicketAttemptsMax) {
      m.tickets.erase(it);
      return refused;
    }
    user_id = it->second.user_id;
  }
  auto user = m.users.find(user_id);
  if (!user || user->status != users::Status::active || user->totp_secret.empty()) return refused;
  auto secret = m.box.unseal(user->totp_secret);
  if (!secret) return SignInRefused{Kind::disabled_or_invalid, secret.error().message, 0};
  const auto at = m.now();
  Result<void> used = fail(ErrorCode::invalid_argument, "no factor");
  std::string detail = "totp";
  if (auto step = totp_match(*secret, code, at / 1'000'000)) {
    used = m.users.execute(users::UseTotpCode{user_id, *step, at},
                           {eventstore::ActorKind::user, "user:" + user_id});
  } else if (code.size() > 6) {
    detail = "recovery code";
    used = m.users.execute(users::UseRecoveryCode{user_id, sha256_hex(code), at},
                           {eventstore::ActorKind::user, "user:" + user_id});
  }
  if (!used) {
    std::lock_guard lock(m.mutex);
    m.note_failure(m.client_failures, client);
    m.record(user_id, users::SignInOutcome::failed, "wrong " + detail, client);
    return refused;
  }
  {
    std::lock_guard lock(m.mutex);
    m.tickets.erase(std::string(ticket));
  }
  m.record(user_id, users::SignInOutcome::succeeded, detail, client);
  auto fresh = m.users.find(user_id);
  auto session = m.open_session(fresh.value_or(*user), true, client);
  if (!session) return SignInRefused{Kind::busy, "the session could not be recorded: try again", 0};
  return *session;
}

std::variant<SessionPrincipal, SignInRefused> SignIn::authenticate(std::string_view cookie) {
  auto& m = *impl_;
  const auto refused = SignInRefused{Kind::wrong_credentials, "sign in again", 0};
  const auto dot = cookie.find('.');
  if (dot == std::string_view::npos) return refused;
  const std::string id(cookie.substr(0, dot));
  const auto secret = cookie.substr(dot + 1);
  const auto at = m.now();
  std::lock_guard lock(m.mutex);
  auto it = m.sessions_by_id.find(id);
  if (it == m.sessions_by_id.end()) return refused;
  auto& s = it->second;
  if (!equal_constant_time(s.state.started.secret_sha256, sha256_hex(secret))) return refused;
  auto user = m.users.find(s.state.started.user_id);
  if (!user) return refused;
  const auto generation = user->status == users::Status::active
                              ? user->credentials_generation
                              : user->credentials_generation + 1;  // disabled: no session
  if (auto why = sessions::why_not_live(s.state, at, s.last_seen, generation)) {
    if (!s.state.ended) (void)m.append_session(id, sessions::EndSession{id, *why, "system", at});
    return refused;
  }
  s.last_seen = at;
  (void)m.append_session(id, sessions::TouchSession{id, at});  // at most once a minute
  const bool enrolment_only = users::requires_mfa(*user) && user->totp_secret.empty();
  return SessionPrincipal{std::move(*user), id, sha256_hex("csrf:" + std::string(secret)),
                          enrolment_only};
}

Result<void> SignIn::end(const std::string& session_id, sessions::EndReason reason,
                         const std::string& by) {
  auto& m = *impl_;
  std::lock_guard lock(m.mutex);
  if (!m.sessions_by_id.contains(session_id))
    return fail(ErrorCode::not_found, "no session " + session_id);
  return m.append_session(session_id, sessions::EndSession{session_id, reason, by, m.now()});
}

Result<std::pair<std::string, std::string>> SignIn::start_totp(const std::string& user_id) {
  auto& m = *impl_;
  const auto user = m.users.find(user_id);
  if (!user) return fail(ErrorCode::not_found, "no user " + user_id);
  const auto secret = random_bytes(kTotpSecretBytes);
  auto started = m.users.execute(users::StartTotpEnrolment{user_id, m.box.seal(secret), m.now()},
                                 {eventstore::ActorKind::user, "user:" + user_id});
  if (!started) return std::unexpected(started.error());
  const auto uri = otpauth_uri(secret, user->email);
  return std::pair{uri, qr_svg(uri).value_or("")};
}

Result<std::vector<std::string>> SignIn::confirm_totp(const std::string& user_id,
                                                      std::string_view code) {
  auto& m = *impl_;
  const auto user = m.users.find(user_id);
  if (!user) return fail(ErrorCode::not_found, "no user " + user_id);
  if (user->pending_totp_secret.empty())
    return fail(ErrorCode::invalid_argument, "no second factor is being enrolled: start again");
  auto secret = m.box.unseal(user->pending_totp_secret);
  if (!secret) return std::unexpected(secret.error());
  const auto at = m.now();
  const auto step = totp_match(*secret, code, at / 1'000'000);
  if (!step)
    return fail(ErrorCode::invalid_argument, "the code is wrong: check the device's clock");
  std::vector<std::string> codes, hashes;
  for (std::size_t i = 0; i < users::kRecoveryCodes; ++i) {
    auto c = random_hex(8);  // 64 bits each, used once
    if (!c) return std::unexpected(c.error());
    codes.push_back(c->substr(0, 8) + "-" + c->substr(8));
    hashes.push_back(sha256_hex(codes.back()));
  }
  auto confirmed = m.users.execute(users::ConfirmTotp{user_id, *step, hashes, at},
                                   {eventstore::ActorKind::user, "user:" + user_id});
  if (!confirmed) return std::unexpected(confirmed.error());
  return codes;
}

std::vector<sessions::State> SignIn::sessions_of(const std::string& user_id) {
  auto& m = *impl_;
  const auto at = m.now();
  const auto user = m.users.find(user_id);
  std::vector<sessions::State> out;
  if (!user) return out;
  std::lock_guard lock(m.mutex);
  for (const auto& [id, s] : m.sessions_by_id) {
    if (s.state.started.user_id != user_id) continue;
    if (!sessions::why_not_live(s.state, at, s.last_seen, user->credentials_generation))
      out.push_back(s.state);
  }
  return out;
}

}  // namespace ordo::gateway::security
