// Streaming stock feeds over NATS: movements and sales from ERPs, WMSs and points of sale.
//
// Each source publishes requests on its own subject, ordo.<tenant>.feed.<source>.movements, with
// its own NATS user (`ordo nats-config --feed <source>`): the server lets a source publish only
// there and read only its own inbox (_INBOX_FEED.<source>.), so the subject names the source and
// a source without credentials is refused by the server before Ordo sees anything.
//
// Request (JSON, at most the server's max_payload, 64 KiB):
//   {"sequence": 42, "sent_at_us": 1795000000000000,
//    "movements": [ ...the movements of POST /v1/stock/movements (docs/API.md), 1..1000... ]}
// `sequence` counts the source's messages from 1. Every movement is applied once: its
// idempotency key is (source, sequence, index), so a message sent again (a retry, a duplicate
// delivery) changes nothing and gets the same answer, and the same sequence with other content
// is refused. Messages may arrive out of order: receipts, adjustments and sales add up in any
// order; a count is absolute, so a count older than the last applied from that source at that
// stock is stale and changes nothing (domain/stock.h, CountStock::sequence: the message's
// sequence x 1024 + the count's index in it, so a later count in one message wins). A count's
// source is the feed's.
//
// Reply, sent once every movement is durable (or refused):
//   {"result":"ok","sequence","applied","unchanged","refused":[{"index","reason"}],"position"}
//   {"result":"invalid","reason"}   the message is not a feed message; nothing applied
//   {"result":"conflict","sequence","reason"}  this sequence was sent before with other movements
//   {"result":"retry","sequence","reason"}     Ordo is overloaded or cannot write: send it again
//                                              (what was applied stays applied, once)
// A source that gets no reply sends the message again with the same sequence.
//
// Lag, per source: how long its last message took from `sent_at_us` to durable, and how many
// sequence numbers below the highest seen have not arrived (gaps): /metrics has both.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>

#include "adapters/nats.h"
#include "engine/pipeline.h"

namespace ordo::gateway {

struct FeedOptions {
  std::string tenant = "main";
  std::function<domain::Instant()> clock;  // unset: the system clock
};

/// What one source sent and what became of it.
struct SourceStats {
  std::uint64_t messages = 0;   // requests received (retries included)
  std::uint64_t movements = 0;  // movements received
  std::uint64_t applied = 0;    // movements that changed stock
  std::uint64_t unchanged = 0;  // duplicates, stale counts, counts equal to on hand
  std::uint64_t refused = 0;    // movements refused (unknown site, below reserved, ...)
  std::uint64_t invalid = 0;    // messages refused whole
  std::uint64_t highest_sequence = 0;
  std::uint64_t missing = 0;     // sequences below the highest not received since Ordo started
  std::int64_t last_lag_us = 0;  // sent_at_us to durable, last message that gave sent_at_us
};

class StockFeed {
 public:
  /// Subscribes to every source's subject on `connection`; `pipeline` and `connection` must
  /// outlive the feed.
  static Result<std::unique_ptr<StockFeed>> start(engine::Pipeline& pipeline,
                                                  adapters::nats::Connection& connection,
                                                  FeedOptions options = {});
  /// Stops taking messages and waits for the replies still owed.
  ~StockFeed();
  StockFeed(const StockFeed&) = delete;
  StockFeed& operator=(const StockFeed&) = delete;

  std::map<std::string, SourceStats> stats() const;
  /// The Prometheus text of stats().
  std::string metrics() const;

  struct Message {
    std::uint64_t sequence = 0;
    std::int64_t sent_at_us = 0;  // 0: not given
    std::vector<engine::Submission> submissions;
    std::vector<std::size_t> indexes;  // each submission's movement in the message
    std::vector<std::pair<std::size_t, std::string>> refused;  // (index, why) found when parsing
    std::size_t movements = 0;
  };
  /// A request of `source` as pipeline submissions, or why it is not a feed message (exposed for
  /// tests and the fuzz target).
  static Result<Message, std::string> parse(std::string_view source, std::string_view body,
                                            domain::Instant now);

 private:
  StockFeed(engine::Pipeline& pipeline, adapters::nats::Connection& connection,
            FeedOptions options);
  void on_message(natsMsg* message);
  void answer(const std::string& reply, const std::string& body);
  void settle();
  domain::Instant now() const;
  void seen(const std::string& source, std::uint64_t sequence);
  friend void on_feed_message(natsConnection*, natsSubscription*, natsMsg*, void*);
  friend void on_feed_closed(void*);

  engine::Pipeline& pipeline_;
  adapters::nats::Connection& connection_;
  FeedOptions options_;
  natsSubscription* subscription_ = nullptr;

  mutable std::mutex stats_mutex_;
  std::map<std::string, SourceStats> stats_;
  std::map<std::string, std::set<std::uint64_t>> received_;  // sequences seen above the first gap
  std::map<std::string, std::uint64_t> contiguous_;          // every sequence up to it was seen

  std::mutex owed_mutex_;
  std::condition_variable owed_cv_;
  std::size_t owed_ = 0;
  bool closed_ = false;  // the subscription delivers nothing more
};

}  // namespace ordo::gateway
