#include "engine/pipeline.h"

#include <pthread.h>

#include <future>
#include <gsl/assert>

namespace ordo::engine {

Pipeline::Pipeline(eventstore::EventStore& store, PipelineOptions options)
    : store_(store), options_(options) {}

Result<std::unique_ptr<Pipeline>> Pipeline::start(eventstore::EventStore& store,
                                                  PipelineOptions options) {
  std::unique_ptr<Pipeline> pipeline(new Pipeline(store, options));
  if (auto replayed = pipeline->replay(); !replayed) return std::unexpected(replayed.error());
  pipeline->thread_ = std::thread([p = pipeline.get()] {
    pthread_setname_np(pthread_self(), "ordo-pipeline");
    p->run();
  });
  return pipeline;
}

// Folds the whole log into the in-memory state. Token, workload and obsolete events have no effect
// on it and are skipped; an unknown type or a domain event that fails to decode stops the start
// with the position, never skipped (a skipped event would leave the state behind the log).
Result<void> Pipeline::replay() {
  std::optional<Error> problem;
  auto visited = store_.for_each(1, UINT64_MAX, [&](const eventstore::EventView& e) {
    const auto kind = wire::kind_of(e.type);
    if (kind == wire::TypeKind::unknown) {
      problem = wire::unknown_type_error(e.position, e.type);
      return false;
    }
    if (kind != wire::TypeKind::domain) return true;
    auto decoded = wire::decode(e.type, e.schema_version, e.payload);
    if (!decoded) {
      problem = Error{decoded.error().code,
                      "position " + std::to_string(e.position) + ": " + decoded.error().message};
      return false;
    }
    if (auto applied = state_.apply(e.stream, *decoded, e.stream_version); !applied) {
      problem = Error{applied.error().code,
                      "position " + std::to_string(e.position) + ": " + applied.error().message};
      return false;
    }
    return true;
  });
  if (!visited) return std::unexpected(visited.error());
  if (problem) return std::unexpected(*problem);
  return {};
}

Pipeline::~Pipeline() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::unique_lock lock(outstanding_mutex_);
  outstanding_cv_.wait(lock, [&] { return outstanding_.load() == 0; });
}

void Pipeline::submit(Submission submission, Callback done) {
  enqueue(Pending{std::move(submission), std::move(done)});
}

void Pipeline::enqueue(Pending pending) {
  std::unique_lock lock(mutex_);
  if (stopping_ || failed_.load()) {
    lock.unlock();
    return pending.done(
        std::unexpected(Refusal{Error{ErrorCode::unavailable, "the pipeline is stopped"}}));
  }
  if (queue_.size() >= options_.queue_max) {
    lock.unlock();
    return pending.done(std::unexpected(
        Refusal{Error{ErrorCode::overloaded, "the command queue is full; retry later"}}));
  }
  outstanding_.fetch_add(1);
  queue_.push_back(std::move(pending));
  lock.unlock();
  cv_.notify_one();
}

Answer Pipeline::execute(Submission submission) {
  std::promise<Answer> promise;
  auto future = promise.get_future();
  submit(std::move(submission), [&](Answer a) { promise.set_value(std::move(a)); });
  return future.get();
}

// Blocks until answered: never call it from a pipeline callback (it would wait for itself). A
// refused expiry is not in its answer; it is retried a second of the clock later, as on the timer.
Answer Pipeline::expire_due() {
  std::promise<Answer> promise;
  auto future = promise.get_future();
  enqueue(Pending{{}, [&](Answer a) { promise.set_value(std::move(a)); }, true});
  return future.get();
}

PipelineStats Pipeline::stats() const {
  std::lock_guard lock(mutex_);
  return {decided_.load(), rejected_.load(), queue_.size(), retries_joined_.load()};
}

void Pipeline::run() {
  std::vector<Pending> taken;
  while (true) {
    taken.clear();
    {
      std::unique_lock lock(mutex_);
      auto ready = [&] { return stopping_ || !queue_.empty(); };
      // Open rounds are looked at every 20 ms: a deadline is met within that.
      if (state_.round_deadlines().empty() || !options_.expire_on_its_own)
        cv_.wait(lock, ready);
      else
        cv_.wait_for(lock, std::chrono::milliseconds(20), ready);
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && taken.size() < options_.batch_max) {
        taken.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    for (std::size_t i = 0; i < taken.size(); ++i) {
      // With nothing after this command, the pipeline thread has time to write and sync its append
      // itself (one thread hand-off less); under load the store's writer does it.
      leading_ = i + 1 == taken.size() && queue_empty()
                     ? eventstore::EventStore::Leading::write_and_sync
                     : eventstore::EventStore::Leading::no;
      handle(std::move(taken[i]));
    }
    leading_ = eventstore::EventStore::Leading::no;
    if (options_.expire_on_its_own) expire_due_rounds();
  }
}

domain::Instant Pipeline::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Rounds past their deadline are closed by a command of the pipeline's own, stamped with the
// log's clock; its decision opens the next round or allocates. A refused expiry (which only a
// clock going backwards can cause) is retried a second later rather than in a loop.
void Pipeline::expire_due_rounds() {
  if (state_.round_deadlines().empty() || failed_.load()) return;
  const auto at = now();
  std::vector<std::pair<std::string, std::uint32_t>> due;
  for (const auto& [deadline, order_id] : state_.round_deadlines()) {
    if (deadline > at) break;
    auto retry = expiry_retry_.find(order_id);
    if (retry != expiry_retry_.end() && retry->second > at) continue;
    const auto* o = state_.order(order_id);
    if (o == nullptr || o->open_round() == nullptr) continue;
    due.emplace_back(order_id, o->open_round()->round);
  }
  for (auto& [order_id, round] : due) {
    Submission expiry;
    expiry.command = OrderCommand{order_id, domain::order::ExpireRound{round, at}};
    expiry.actor = {eventstore::ActorKind::system, "ordo round clock"};
    outstanding_.fetch_add(1);
    expiry_retry_[order_id] = at + 1'000'000;
    handle(Pending{std::move(expiry), [](Answer) {}});
  }
  std::erase_if(expiry_retry_, [&](const auto& entry) { return entry.second <= at; });
}

// Wraps a callback so that the outstanding count drops once it has been called.
static Pipeline::Callback counted(Pipeline::Callback done, std::atomic<std::uint64_t>& outstanding,
                                  std::mutex& mutex, std::condition_variable& cv) {
  return [done = std::move(done), &outstanding, &mutex, &cv](Answer answer) {
    done(std::move(answer));
    std::lock_guard lock(mutex);
    if (outstanding.fetch_sub(1) == 1) cv.notify_all();
  };
}

void Pipeline::handle(Pending pending) {
  pending.done =
      counted(std::move(pending.done), outstanding_, outstanding_mutex_, outstanding_cv_);
  if (failed_.load()) {
    return pending.done(std::unexpected(Refusal{Error{
        ErrorCode::unavailable, "the pipeline stopped after a failed append; restart Ordo"}}));
  }
  if (pending.expire_due) {
    expire_due_rounds();
    return answer_after_barrier(std::move(pending.done), Outcome{});
  }
  // The key is looked up before deciding: a retry of a command that was applied decides to
  // "nothing to do", and must get the first attempt's answer instead.
  if (!pending.submission.idempotency_key.empty() && check_idempotency(pending)) return;
  if (pending.submission.guard) {
    if (auto refused = pending.submission.guard(state_)) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      return answer_after_barrier(std::move(pending.done), std::unexpected(std::move(*refused)));
    }
  }
  auto changes = decide(state_, pending.submission.command, options_.locate);
  decided_.fetch_add(1, std::memory_order_relaxed);
  if (!changes) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return answer_after_barrier(std::move(pending.done), std::unexpected(Refusal{changes.error()}));
  }
  if (pending.submission.dry_run) {
    Outcome outcome;
    outcome.would_change = !changes->empty();
    outcome.created = outcome.would_change && changes->front().version == 0;
    return pending.done(std::move(outcome));
  }
  commit(pending, std::move(*changes));
}

// True when `pending` was answered (or will be) by an earlier attempt with the same key. Hashes are
// compared only when the caller gave one: without it the key alone names the request.
bool Pipeline::check_idempotency(Pending& pending) {
  const auto& key = pending.submission.idempotency_key;
  const auto& hash = pending.submission.request_hash;
  auto mismatch = [&] {
    pending.done(std::unexpected(
        Refusal{Error{ErrorCode::idempotency_mismatch,
                      "idempotency key '" + key + "' was already used for a different request"}}));
    return true;
  };
  {
    std::lock_guard lock(keys_mutex_);
    if (auto it = in_flight_.find(key); it != in_flight_.end()) {
      if (hash && it->second.hash && *it->second.hash != *hash) return mismatch();
      it->second.waiters.push_back(std::move(pending.done));
      retries_joined_.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
  }
  auto stored = store_.find_idempotency(key);
  if (!stored) {
    pending.done(std::unexpected(Refusal{stored.error()}));
    return true;
  }
  if (!stored->has_value()) return false;
  if (hash && (*stored)->first != *hash) return mismatch();
  Outcome outcome;
  outcome.first_position = (*stored)->second.first_position;
  outcome.last_position = (*stored)->second.last_position;
  outcome.duplicate = true;
  outcome.response = (*stored)->second.response;
  answer_after_barrier(std::move(pending.done), std::move(outcome));
  return true;
}

bool Pipeline::queue_empty() const {
  std::lock_guard lock(mutex_);
  return queue_.empty();
}

void Pipeline::answer_after_barrier(Callback done, Answer answer) {
  store_.barrier_async(
      [done = std::move(done),
       answer = std::move(answer)](Result<eventstore::AppendResult> barrier) mutable {
        if (!barrier) return done(std::unexpected(Refusal{barrier.error()}));
        // "Already done" appended nothing; its answer carries the durable position the decision
        // saw, so a client can wait for the query models to show that state (read-your-writes).
        if (answer && answer->last_position == 0) answer->last_position = barrier->last_position;
        done(std::move(answer));
      },
      leading_);
}

void Pipeline::finish_key(const std::string& key, const Answer& answer) {
  std::vector<Callback> waiters;
  {
    std::lock_guard lock(keys_mutex_);
    auto it = in_flight_.find(key);
    if (it == in_flight_.end()) return;
    waiters = std::move(it->second.waiters);
    in_flight_.erase(it);
  }
  for (auto& waiter : waiters) {
    Answer copy = answer;
    if (copy) copy->duplicate = true;
    waiter(std::move(copy));
  }
}

}  // namespace ordo::engine

namespace ordo::engine {
namespace {

// A placed order's lines as its decision left them: folded from the events just decided, or the
// engine's state of an order placed before (a retry).
std::vector<domain::order::LineState> placed_lines(const EngineState& state, const Command& command,
                                                   const Changes& changes) {
  const auto* placing = std::get_if<domain::order::PlaceOrder>(&command);
  if (placing == nullptr) return {};
  if (changes.empty()) {
    const auto* order = state.order(placing->order_id);
    return order != nullptr ? order->lines : std::vector<domain::order::LineState>{};
  }
  domain::order::State order;
  for (const auto& e : changes.front().events) {
    if (const auto* order_event = std::get_if<domain::order::Event>(&e))
      order = domain::order::evolve(std::move(order), *order_event);
  }
  return std::move(order.lines);
}

}  // namespace

// Applies the decided events to the in-memory state at once (the next command is decided against
// them) and hands them to the store; the caller is answered when they are durable.
namespace {

// The changes as one atomic append, each stream at the version its events were decided against.
eventstore::AppendRequest request_of(const Changes& changes, const Submission& submission) {
  eventstore::AppendRequest request;
  request.writes.reserve(changes.size());
  for (const auto& change : changes) {
    eventstore::StreamWrite write{
        change.stream, eventstore::ExpectedVersion::exact(change.version), {}};
    write.events.reserve(change.events.size());
    for (const auto& e : change.events) write.events.push_back(wire::encode(e));
    request.writes.push_back(std::move(write));
  }
  request.idempotency_key = submission.idempotency_key;
  request.content_hash = submission.request_hash;
  request.actor = submission.actor;
  request.correlation_id = submission.correlation_id;
  return request;
}

}  // namespace

void Pipeline::commit(Pending& pending, Changes changes) {
  auto& submission = pending.submission;
  Outcome outcome;
  outcome.lines = placed_lines(state_, submission.command, changes);
  for (const auto& line : outcome.lines) {
    if (line.status == domain::order::LineStatus::allocated)
      outcome.allocations.push_back({line.line.line, line.site_id});
  }
  if (changes.empty()) {  // already done: nothing to append
    return answer_after_barrier(std::move(pending.done), std::move(outcome));
  }
  outcome.created = changes.front().version == 0;
  auto request = request_of(changes, submission);
  if (submission.render) request.response = submission.render(outcome);
  // Checked before the state changes: once applied, a refused append would leave the state
  // ahead of the log.
  if (auto problem = eventstore::EventStore::check_request(request)) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return answer_after_barrier(
        std::move(pending.done),
        std::unexpected(Refusal{domain::Rejection{domain::Rejection::Code::invalid, *problem}}));
  }
  for (const auto& change : changes) {
    auto version = change.version;
    for (const auto& e : change.events) {
      auto applied = state_.apply(change.stream, e, ++version);
      Ensures(applied.has_value());  // decide named the aggregate's own stream at its version
    }
  }
  {
    std::unique_lock lock(appends_mutex_);
    appends_cv_.wait(lock, [&] { return appends_in_flight_ < options_.appends_in_flight_max; });
    ++appends_in_flight_;
  }
  std::string key = submission.idempotency_key;
  if (!key.empty()) {
    std::lock_guard lock(keys_mutex_);
    in_flight_[key].hash = submission.request_hash;
  }
  store_.append_async(
      std::move(request),
      [this, done = std::move(pending.done), outcome = std::move(outcome),
       key = std::move(key)](Result<eventstore::AppendResult> r) mutable {
        appended(std::move(r), std::move(outcome), key, done);
      },
      leading_);
}

// The store's answer to an append: the caller's answer, and every retry's waiting on its key.
void Pipeline::appended(Result<eventstore::AppendResult> r, Outcome outcome, const std::string& key,
                        const Callback& done) {
  {
    std::lock_guard lock(appends_mutex_);
    --appends_in_flight_;
  }
  appends_cv_.notify_one();
  Answer answer;
  if (!r) {
    // The in-memory state already holds these events: it no longer matches the log.
    failed_.store(true);
    answer = std::unexpected(Refusal{Error{ErrorCode::unavailable, r.error().message}});
  } else {
    outcome.first_position = r->first_position;
    outcome.last_position = r->last_position;
    outcome.response = r->response;
    answer = std::move(outcome);
  }
  if (!key.empty()) finish_key(key, answer);
  done(std::move(answer));
}

}  // namespace ordo::engine
