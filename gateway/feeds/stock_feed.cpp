#include "gateway/feeds/stock_feed.h"

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/id.h"
#include "eventstore/checksum.h"
#include "gateway/json/commands_json.h"

namespace ordo::gateway {
namespace {

using nlohmann::json;

domain::Instant system_now() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// What the pipeline answered for a message's movements; the last answer replies for it.
struct Tally {
  explicit Tally(std::size_t submissions) : left(submissions) {}
  std::mutex mutex;
  std::size_t left;
  std::uint64_t position = 0, applied = 0, unchanged = 0;
  json refused = json::array();
  bool conflict = false, retry = false;
  std::string retry_reason;

  /// True for the last answer.
  bool record(const engine::Answer& decided, std::size_t index) {
    std::lock_guard lock(mutex);
    if (decided) {
      position = std::max(position, decided->last_position);
      ++(decided->first_position != 0 && !decided->duplicate ? applied : unchanged);
    } else if (const auto* r = std::get_if<domain::Rejection>(&decided.error())) {
      refused.push_back({{"index", index}, {"reason", r->reason}});
    } else if (std::get<Error>(decided.error()).code == ErrorCode::idempotency_mismatch) {
      conflict = true;
    } else {
      retry = true;
      retry_reason = std::get<Error>(decided.error()).code == ErrorCode::overloaded
                         ? "overloaded: send it again later"
                         : "the engine cannot write now";
    }
    return --left == 0;
  }

  json reply(std::uint64_t sequence) {
    std::lock_guard lock(mutex);
    if (conflict) {
      return {{"result", "conflict"},
              {"sequence", sequence},
              {"reason",
               "sequence " + std::to_string(sequence) + " was sent before with other movements"}};
    }
    if (retry) return {{"result", "retry"}, {"sequence", sequence}, {"reason", retry_reason}};
    return {{"result", "ok"},         {"sequence", sequence}, {"applied", applied},
            {"unchanged", unchanged}, {"refused", refused},   {"position", position}};
  }
};

// A count's order key is its message's sequence x 1024 + its index in the message (at most 1,000
// movements), so that of two counts of one stock in a message the later wins. Sequences stay far
// beyond any feed's life, and keys within what JSON readers keep exactly (2^53).
constexpr std::uint64_t kCountsPerSequence = 1024;
constexpr std::uint64_t kSequenceMax = (1ULL << 53) / kCountsPerSequence;

}  // namespace

void on_feed_message(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
  static_cast<StockFeed*>(closure)->on_message(message);
}

void on_feed_closed(void* closure) {
  auto* self = static_cast<StockFeed*>(closure);
  std::lock_guard lock(self->owed_mutex_);
  self->closed_ = true;
  self->owed_cv_.notify_all();
}

Result<StockFeed::Message, std::string> StockFeed::parse(std::string_view source,
                                                         std::string_view body,
                                                         domain::Instant now) {
  if (!is_valid_id(source)) return std::unexpected("not a feed's subject");
  // The parser takes a NUL byte for the end of the input: the message would be read cut short.
  if (body.find('\0') != std::string_view::npos)
    return std::unexpected("the message holds a NUL byte: not a JSON object");
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return std::unexpected("the message is not a JSON object");
  Message out;
  json movements;
  for (const auto& [key, value] : doc.items()) {
    if (key == "sequence") {
      if (!value.is_number_unsigned() || value.get<std::uint64_t>() == 0 ||
          value.get<std::uint64_t>() > kSequenceMax)
        return std::unexpected("sequence: a whole number from 1 to 2^43");
      out.sequence = value.get<std::uint64_t>();
    } else if (key == "sent_at_us") {
      if (!value.is_number_integer() || value.get<std::int64_t>() <= 0)
        return std::unexpected("sent_at_us: microseconds since 1970, positive");
      out.sent_at_us = value.get<std::int64_t>();
    } else if (key == "movements") {
      movements = value;
    } else {
      return std::unexpected("unknown field \"" + key + "\"");
    }
  }
  if (out.sequence == 0) return std::unexpected("sequence is required");
  auto parsed = ordo::json::parse_stock_movements(json{{"movements", movements}}, now);
  if (!parsed) {
    const auto& first = parsed.error().front();
    return std::unexpected((first.pointer.empty() ? "" : first.pointer + ": ") + first.message);
  }
  // The key names the movement; the hash its content, so the same sequence sent again with
  // other movements is a conflict rather than silently dropped.
  const auto hash = eventstore::sha256(dump(movements));
  const std::string key_base =
      "feed/" + std::string(source) + "/" + std::to_string(out.sequence) + "#";
  out.movements = parsed->movements.size();
  for (std::size_t i = 0; i < parsed->movements.size(); ++i) {
    auto& entry = parsed->movements[i];
    if (auto* errors = std::get_if<std::vector<domain::ConfigError>>(&entry)) {
      out.refused.emplace_back(i, errors->front().pointer + ": " + errors->front().message);
      continue;
    }
    auto& movement = std::get<ordo::json::ParsedMovement>(entry);
    if (auto* count = std::get_if<domain::stock::CountStock>(&movement.command)) {
      count->source = std::string(source);  // the feed is the source its sequence belongs to
      count->sequence = out.sequence * kCountsPerSequence + i;
    }
    engine::Submission s;
    s.command = engine::StockCommand{movement.site_id, movement.sku, std::move(movement.command)};
    s.idempotency_key = key_base + std::to_string(i);
    s.request_hash = hash;
    s.actor = {eventstore::ActorKind::system, "feed:" + std::string(source)};
    s.correlation_id = key_base + std::to_string(i);
    out.submissions.push_back(std::move(s));
    out.indexes.push_back(i);
  }
  return out;
}

Result<std::unique_ptr<StockFeed>> StockFeed::start(engine::Pipeline& pipeline,
                                                    adapters::nats::Connection& connection,
                                                    FeedOptions options) {
  std::unique_ptr<StockFeed> feed(new StockFeed(pipeline, connection, std::move(options)));
  const auto subject = adapters::nats::all_feeds_subject(feed->options_.tenant);
  // One Ordo takes every message of a source (its gaps are counted here): no queue group.
  const auto s = natsConnection_Subscribe(&feed->subscription_, connection.get(), subject.c_str(),
                                          on_feed_message, feed.get());
  if (s != NATS_OK) return std::unexpected(adapters::nats::error_of(s, "subscribe to " + subject));
  natsSubscription_SetPendingLimits(feed->subscription_, 1'000'000, 256 << 20);
  natsSubscription_SetOnCompleteCB(feed->subscription_, on_feed_closed, feed.get());
  return feed;
}

StockFeed::StockFeed(engine::Pipeline& pipeline, adapters::nats::Connection& connection,
                     FeedOptions options)
    : pipeline_(pipeline), connection_(connection), options_(std::move(options)) {}

StockFeed::~StockFeed() {
  if (subscription_ != nullptr) {
    // Messages received are still decided and answered; none after the subscription is closed,
    // which its completion callback says (a drain that times out goes on delivering).
    if (natsSubscription_Drain(subscription_) != NATS_OK)
      natsSubscription_Unsubscribe(subscription_);
    std::unique_lock lock(owed_mutex_);
    if (!owed_cv_.wait_for(lock, std::chrono::seconds(60), [&] { return closed_; }))
      std::cerr << "ordo: NATS: the stock feed's subscription did not close in 60 s\n";
  }
  {
    std::unique_lock lock(owed_mutex_);
    owed_cv_.wait(lock, [&] { return owed_ == 0; });
  }
  if (subscription_ != nullptr) natsSubscription_Destroy(subscription_);
}

domain::Instant StockFeed::now() const { return options_.clock ? options_.clock() : system_now(); }

void StockFeed::answer(const std::string& reply, const std::string& body) {
  if (reply.empty()) return;
  if (const auto s = natsConnection_Publish(connection_.get(), reply.c_str(), body.data(),
                                            static_cast<int>(body.size()));
      s != NATS_OK) {
    std::cerr << "ordo: NATS: cannot answer a feed on " << reply << ": " << natsStatus_GetText(s)
              << "\n";
  }
}

void StockFeed::settle() {
  std::lock_guard lock(owed_mutex_);
  if (--owed_ == 0) owed_cv_.notify_all();
}

// Gaps are counted since Ordo started: the first sequence seen from a source starts its count.
void StockFeed::seen(const std::string& source, std::uint64_t sequence) {
  auto& stats = stats_[source];
  const auto contiguous = contiguous_.try_emplace(source, sequence - 1).first;
  if (sequence <= contiguous->second) return;
  auto& above = received_[source];
  above.insert(sequence);
  while (!above.empty() && *above.begin() == contiguous->second + 1) {
    ++contiguous->second;
    above.erase(above.begin());
  }
  // Bounded memory: a source that skipped far ahead gives up its oldest gaps.
  while (above.size() > 100'000) {
    contiguous->second = *above.begin();
    above.erase(above.begin());
  }
  stats.highest_sequence = std::max(stats.highest_sequence, sequence);
  stats.missing = stats.highest_sequence - contiguous->second - above.size();
}

void StockFeed::on_message(natsMsg* message) {
  {
    std::lock_guard lock(owed_mutex_);
    ++owed_;
  }
  const char* reply_to = natsMsg_GetReply(message);
  const std::string reply = reply_to == nullptr ? std::string() : std::string(reply_to);
  const std::string source =
      adapters::nats::source_of_feed_subject(natsMsg_GetSubject(message), options_.tenant);
  const std::string_view body(natsMsg_GetData(message),
                              static_cast<std::size_t>(natsMsg_GetDataLength(message)));
  auto parsed = parse(source, body, now());
  natsMsg_Destroy(message);
  // Answers go only to the source's own inbox: Ordo's user may publish into every inbox.
  if (!is_valid_id(source) ||
      (!reply.empty() && !reply.starts_with(adapters::nats::feed_inbox_prefix(source) + "."))) {
    std::cerr << "ordo: NATS: a feed message outside a source's subject or inbox; refused\n";
    return settle();
  }
  if (!parsed) {
    {
      std::lock_guard lock(stats_mutex_);
      ++stats_[source].messages;
      ++stats_[source].invalid;
    }
    answer(reply, dump({{"result", "invalid"}, {"reason", parsed.error()}}));
    return settle();
  }
  {
    std::lock_guard lock(stats_mutex_);
    auto& stats = stats_[source];
    ++stats.messages;
    stats.movements += parsed->movements;
    seen(source, parsed->sequence);
  }
  // Every movement goes to the pipeline at once; the last answer replies for the message.
  auto tally = std::make_shared<Tally>(parsed->submissions.size());
  for (const auto& [index, why] : parsed->refused)
    tally->refused.push_back({{"index", index}, {"reason", why}});
  const auto finish = [this, tally, reply, source, sequence = parsed->sequence,
                       sent_at = parsed->sent_at_us] {
    {
      std::lock_guard lock(stats_mutex_);
      auto& stats = stats_[source];
      stats.applied += tally->applied;
      stats.unchanged += tally->unchanged;
      stats.refused += tally->refused.size();
      if (sent_at != 0) stats.last_lag_us = now() - sent_at;
    }
    answer(reply, dump(tally->reply(sequence)));
    settle();
  };
  if (parsed->submissions.empty()) return finish();
  for (std::size_t n = 0; n < parsed->submissions.size(); ++n) {
    pipeline_.submit(std::move(parsed->submissions[n]),
                     [tally, finish, index = parsed->indexes[n]](engine::Answer decided) {
                       if (tally->record(decided, index)) finish();
                     });
  }
}

std::map<std::string, SourceStats> StockFeed::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

std::string StockFeed::metrics() const {
  const auto all = stats();
  if (all.empty()) return {};
  std::string out;
  const auto family = [&](const char* name, const char* type, const char* help, auto value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    for (const auto& [source, s] : all)
      out += std::string(name) + "{source=\"" + source + "\"} " + value(s) + "\n";
  };
  using S = SourceStats;
  family("ordo_feed_messages_total", "counter", "Messages received from the source.",
         [](const S& s) { return std::to_string(s.messages); });
  family("ordo_feed_movements_applied_total", "counter", "Movements that changed stock.",
         [](const S& s) { return std::to_string(s.applied); });
  family("ordo_feed_movements_unchanged_total", "counter",
         "Duplicates, stale counts and counts equal to on hand.",
         [](const S& s) { return std::to_string(s.unchanged); });
  family("ordo_feed_movements_refused_total", "counter", "Movements refused.",
         [](const S& s) { return std::to_string(s.refused); });
  family("ordo_feed_messages_invalid_total", "counter", "Messages refused whole.",
         [](const S& s) { return std::to_string(s.invalid); });
  family("ordo_feed_sequence", "gauge", "Highest sequence received.",
         [](const S& s) { return std::to_string(s.highest_sequence); });
  family("ordo_feed_missing_sequences", "gauge",
         "Sequences below the highest not received since Ordo started.",
         [](const S& s) { return std::to_string(s.missing); });
  family("ordo_feed_lag_seconds", "gauge",
         "From the last message's sent_at_us to its movements being durable.",
         [](const S& s) { return std::to_string(static_cast<double>(s.last_lag_us) / 1e6); });
  return out;
}

}  // namespace ordo::gateway
