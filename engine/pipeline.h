// The command pipeline: the single writer of Ordo's business streams (DESIGN.md, "The write
// path"). Callers submit commands from any thread into a bounded queue; one thread decides them in
// order against the in-memory state (so two orders for the last unit are decided one after the
// other and cannot both take it), applies the resulting events to that state at once, and hands
// them to the event store, whose group commit makes them durable before anyone is answered.
//
// What a command means is decided by the domain (engine/decide.h): placing an order sources it by
// the orchestration rules and reserves its stock, all in the same atomic append as the order.
//
// Thread-safety: submit() from any thread; callbacks run on the event store's sync thread (or
// inline for an immediate refusal) and must be quick. Errors: Error{overloaded} when the queue is
// full; Error{unavailable} after an append failed (the pipeline fails closed: its in-memory state
// can no longer be trusted; restart it to rebuild from the log); Error{idempotency_mismatch}.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <variant>

#include "engine/decide.h"
#include "eventstore/event_store.h"

namespace ordo::engine {

struct Outcome {
  std::uint64_t first_position = 0;  // 0 when nothing was appended (already done)
  std::uint64_t last_position = 0;
  std::vector<domain::order::Allocation> allocations;  // where a placed order's lines go
  /// A placed order's lines as sourcing left them: split, allocated, pre-ordered or sourcing.
  std::vector<domain::order::LineState> lines;
  bool duplicate = false;     // answered from the idempotency record of an earlier attempt
  bool created = false;       // the first stream the command wrote did not exist before it
  bool would_change = false;  // a dry run that would append events
  std::string response;       // what `render` produced for the first attempt
};

/// A business refusal (a value) or an operational error.
using Refusal = std::variant<domain::Rejection, Error>;
using Answer = Result<Outcome, Refusal>;

struct Submission {
  Command command;
  std::string idempotency_key;  // empty: none
  // What a retry with the same key must match (e.g. the hash of an HTTP body): a different hash is
  // refused with idempotency_mismatch. Unset: the key alone names the request.
  std::optional<eventstore::Hash256> request_hash;
  eventstore::Actor actor;
  std::string correlation_id;
  /// Renders the answer stored with the idempotency key (e.g. an HTTP response body), on the
  /// pipeline thread before the append; optional.
  std::function<std::string(const Outcome&)> render;
  /// Checked on the pipeline thread against the engine's own state just before deciding (after
  /// the idempotency check), so a command is never refused because a read model lags behind the
  /// log; a refusal stops the command and nothing is written. Optional; must be quick.
  std::function<std::optional<Refusal>(const EngineState&)> guard;
  /// Decided against the state and answered without applying or writing anything (an import's
  /// validation): `would_change` and `created` tell what it would do.
  bool dry_run = false;
};

struct PipelineOptions {
  std::size_t queue_max = 8192;  // submissions waiting; beyond: overloaded
  std::size_t batch_max = 512;   // submissions decided per turn
  // Appends handed to the event store and not yet answered. Below the store's own queue limit,
  // so the store never refuses the pipeline for load: the pipeline waits instead, and its queue
  // fills and answers overloaded to callers.
  std::size_t appends_in_flight_max = 4096;
  Locator locate;  // unset: distances unknown
  /// The log's clock for commands the pipeline makes itself (expiring rounds past their
  /// deadline); unset: the system clock.
  std::function<domain::Instant()> clock;
  /// False: rounds past their deadline are closed only when expire_due() is called, never on the
  /// pipeline's own timer or after a batch (a deterministic simulation drives the clock).
  bool expire_on_its_own = true;
};

struct PipelineStats {
  std::uint64_t decided = 0;
  std::uint64_t rejected = 0;
  std::uint64_t queue_depth = 0;
  std::uint64_t retries_joined = 0;  // retries that arrived while their key's first attempt ran
};

class Pipeline {
 public:
  using Callback = std::function<void(Answer)>;

  /// Rebuilds the in-memory state from the whole log, then starts the pipeline thread.
  static Result<std::unique_ptr<Pipeline>> start(eventstore::EventStore& store,
                                                 PipelineOptions options = {});
  /// Stops taking submissions, decides what is queued, and waits for every answer.
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void submit(Submission submission, Callback done);
  /// Blocking convenience for tests and tools.
  Answer execute(Submission submission);
  /// Closes the rounds past their deadline by the clock now, in the queue's order; answered once
  /// everything appended before is durable (blocking).
  Answer expire_due();

  PipelineStats stats() const;
  /// True once an append failed: every later submission is refused with unavailable.
  bool failed() const { return failed_.load(); }

 private:
  struct Pending {
    Submission submission;
    Callback done;
    bool expire_due = false;  // a turn of the round clock, not a command
  };
  Pipeline(eventstore::EventStore& store, PipelineOptions options);
  void enqueue(Pending pending);
  Result<void> replay();
  void run();
  void handle(Pending pending);
  void expire_due_rounds();
  domain::Instant now() const;
  void commit(Pending& pending, Changes changes);
  void appended(Result<eventstore::AppendResult> r, Outcome outcome, const std::string& key,
                const Callback& done);
  void answer_after_barrier(Callback done, Answer answer);
  bool queue_empty() const;
  bool check_idempotency(Pending& pending);
  void finish_key(const std::string& key, const Answer& answer);

  eventstore::EventStore& store_;
  PipelineOptions options_;
  EngineState state_;  // owned by the pipeline thread after start
  eventstore::EventStore::Leading leading_ =
      eventstore::EventStore::Leading::no;                         // for the command at hand
  std::unordered_map<std::string, domain::Instant> expiry_retry_;  // by order: not before

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread thread_;

  // Idempotency keys whose append is in flight: a retry waits for the first attempt's answer.
  std::mutex keys_mutex_;
  struct InFlight {
    std::optional<eventstore::Hash256> hash;  // the first attempt's, when its caller gave one
    std::vector<Callback> waiters;
  };
  std::unordered_map<std::string, InFlight> in_flight_;

  std::atomic<bool> failed_{false};
  std::atomic<std::uint64_t> decided_{0};
  std::atomic<std::uint64_t> retries_joined_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> outstanding_{0};  // answers not yet given
  std::mutex appends_mutex_;
  std::condition_variable appends_cv_;
  std::size_t appends_in_flight_ = 0;
  std::mutex outstanding_mutex_;
  std::condition_variable outstanding_cv_;
};

}  // namespace ordo::engine
