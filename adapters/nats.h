// NATS for competitive allocation: subjects, and a connection that reconnects on its own.
//
// Subjects, per tenant (DESIGN.md, "Competitive allocation"):
//   ordo.<tenant>.store.<site>.offers   Ordo -> store: offer, won, withdrawn
//   ordo.<tenant>.store.<site>.claims   store -> Ordo, request/reply: claim, decline, release,
//                                       start_preparation, prepared
// A site id may hold '.', which NATS reads as a token separator: it is written as '~' in subjects
// (ids never hold '~'). Each store's replies come to its own inbox prefix, _INBOX.<site>, so that
// the server's permissions can keep every store to its own subjects.
#pragma once

#include <nats/nats.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/secrets.h"

namespace ordo::adapters::nats {

std::string subject_token(std::string_view site_id);
std::string site_of_token(std::string_view token);
std::string offers_subject(std::string_view tenant, std::string_view site_id);
std::string claims_subject(std::string_view tenant, std::string_view site_id);
/// What Ordo subscribes to: every store's claims.
std::string all_claims_subject(std::string_view tenant);
std::string inbox_prefix(std::string_view site_id);
/// Stock feeds (gateway/feeds/stock_feed.h): ordo.<tenant>.feed.<source>.movements, replies into
/// _INBOX_FEED.<source>.
std::string feed_subject(std::string_view tenant, std::string_view source);
std::string all_feeds_subject(std::string_view tenant);
std::string feed_inbox_prefix(std::string_view source);
/// The source a feed subject names; "" when it is not a feed subject of `tenant`.
std::string source_of_feed_subject(std::string_view subject, std::string_view tenant);

struct ConnectOptions {
  std::string url = "nats://127.0.0.1:4222";
  std::string user;
  std::string password;
  std::string name;          // shown by the server's monitoring
  std::string inbox_prefix;  // "" : NATS's default _INBOX
  int connect_timeout_ms = 2000;
  bool retry_on_failed_connect = false;  // keep trying in the background when the server is down
  std::function<void(std::string_view)> on_error;  // asynchronous errors (permission violations)
  /// After a reconnection (subscriptions are back): messages sent meanwhile were not kept by the
  /// server, so a store asks for its pending offers again. Runs on a NATS thread: must not block.
  std::function<void()> on_reconnected;
};

/// One connection: reconnects forever with a short wait, sends at once (no write buffering,
/// which costs about a millisecond per message), buffers up to 32 MiB while disconnected.
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> open(const ConnectOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  natsConnection* get() const { return connection_; }
  Result<void> publish(const std::string& subject, std::string_view data);
  /// Waits until the server has every message published so far; fails while disconnected.
  Result<void> flush(int timeout_ms);
  bool connected() const;

 private:
  Connection() = default;
  natsConnection* connection_ = nullptr;
  std::function<void(std::string_view)> on_error_;
  std::function<void()> on_reconnected_;
  friend void on_async_error(natsConnection*, natsSubscription*, natsStatus, void*);
  friend void on_reconnected(natsConnection*, void*);
};

/// A NATS status as an Ordo error.
Error error_of(natsStatus status, std::string_view what);

/// The nats-server configuration for competitive allocation: Ordo's user may publish offers and
/// answer requests, and subscribe to every store's claims; each store's user may subscribe only
/// to its own offers and its own inbox, and publish only its own claims; no anonymous access.
/// Each feed's user (feed-<source>) may publish only on its feed subject and read only its inbox.
/// `stores`, `feeds`: (site id or source, password).
std::string server_config(std::string_view tenant, std::string_view listen,
                          std::string_view ordo_password,
                          const std::vector<std::pair<std::string, std::string>>& stores,
                          const std::vector<std::pair<std::string, std::string>>& feeds = {});

}  // namespace ordo::adapters::nats
