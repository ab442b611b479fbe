#include "adapters/nats.h"

#include <fstream>

namespace ordo::adapters::nats {

std::string subject_token(std::string_view site_id) {
  std::string out(site_id);
  for (char& c : out) {
    if (c == '.') c = '~';
  }
  return out;
}

std::string site_of_token(std::string_view token) {
  std::string out(token);
  for (char& c : out) {
    if (c == '~') c = '.';
  }
  return out;
}

std::string offers_subject(std::string_view tenant, std::string_view site_id) {
  return "ordo." + std::string(tenant) + ".store." + subject_token(site_id) + ".offers";
}
std::string claims_subject(std::string_view tenant, std::string_view site_id) {
  return "ordo." + std::string(tenant) + ".store." + subject_token(site_id) + ".claims";
}
std::string all_claims_subject(std::string_view tenant) {
  return "ordo." + std::string(tenant) + ".store.*.claims";
}
std::string inbox_prefix(std::string_view site_id) { return "_INBOX." + subject_token(site_id); }

std::string feed_subject(std::string_view tenant, std::string_view source) {
  return "ordo." + std::string(tenant) + ".feed." + subject_token(source) + ".movements";
}
std::string all_feeds_subject(std::string_view tenant) {
  return "ordo." + std::string(tenant) + ".feed.*.movements";
}
std::string feed_inbox_prefix(std::string_view source) {
  return "_INBOX_FEED." + subject_token(source);
}
std::string source_of_feed_subject(std::string_view subject, std::string_view tenant) {
  const std::string prefix = "ordo." + std::string(tenant) + ".feed.";
  constexpr std::string_view suffix = ".movements";
  if (!subject.starts_with(prefix) || !subject.ends_with(suffix) ||
      subject.size() <= prefix.size() + suffix.size())
    return {};
  return site_of_token(
      subject.substr(prefix.size(), subject.size() - prefix.size() - suffix.size()));
}

Error error_of(natsStatus status, std::string_view what) {
  std::string text = std::string(what) + ": " + natsStatus_GetText(status);
  if (const char* last = nats_GetLastError(nullptr); last != nullptr && *last != '\0') {
    text += " (" + std::string(last) + ")";
  }
  const bool down = status == NATS_NO_SERVER || status == NATS_CONNECTION_CLOSED ||
                    status == NATS_CONNECTION_DISCONNECTED || status == NATS_TIMEOUT ||
                    status == NATS_STALE_CONNECTION || status == NATS_IO_ERROR;
  return Error{down ? ErrorCode::unavailable : ErrorCode::invalid_argument, std::move(text)};
}

void on_async_error(natsConnection*, natsSubscription*, natsStatus status, void* closure) {
  auto* self = static_cast<Connection*>(closure);
  if (self->on_error_) {
    const char* last = nats_GetLastError(nullptr);
    self->on_error_(std::string(natsStatus_GetText(status)) +
                    (last != nullptr ? std::string(": ") + last : ""));
  }
}

void on_reconnected(natsConnection*, void* closure) {
  auto* self = static_cast<Connection*>(closure);
  if (self->on_reconnected_) self->on_reconnected_();
}

Result<std::unique_ptr<Connection>> Connection::open(const ConnectOptions& o) {
  std::unique_ptr<Connection> self(new Connection());
  self->on_error_ = o.on_error;
  self->on_reconnected_ = o.on_reconnected;
  natsOptions* opts = nullptr;
  if (auto s = natsOptions_Create(&opts); s != NATS_OK)
    return std::unexpected(error_of(s, "NATS options"));
  struct Free {
    natsOptions* o;
    ~Free() { natsOptions_Destroy(o); }
  } free_options{opts};
  natsStatus s = natsOptions_SetURL(opts, o.url.c_str());
  if (s == NATS_OK && !o.user.empty())
    s = natsOptions_SetUserInfo(opts, o.user.c_str(), o.password.c_str());
  if (s == NATS_OK && !o.name.empty()) s = natsOptions_SetName(opts, o.name.c_str());
  if (s == NATS_OK && !o.inbox_prefix.empty())
    s = natsOptions_SetCustomInboxPrefix(opts, o.inbox_prefix.c_str());
  if (s == NATS_OK) s = natsOptions_SetSendAsap(opts, true);
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, 100);
  if (s == NATS_OK) s = natsOptions_SetReconnectJitter(opts, 50, 50);
  if (s == NATS_OK) s = natsOptions_SetReconnectBufSize(opts, 32 << 20);
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts, o.connect_timeout_ms);
  if (s == NATS_OK) s = natsOptions_SetErrorHandler(opts, &on_async_error, self.get());
  if (s == NATS_OK) s = natsOptions_SetReconnectedCB(opts, &on_reconnected, self.get());
  if (s == NATS_OK && o.retry_on_failed_connect)
    s = natsOptions_SetRetryOnFailedConnect(opts, true, nullptr, nullptr);
  if (s != NATS_OK) return std::unexpected(error_of(s, "NATS options"));
  s = natsConnection_Connect(&self->connection_, opts);
  if (s != NATS_OK && !(o.retry_on_failed_connect && s == NATS_NOT_YET_CONNECTED)) {
    return std::unexpected(error_of(s, "cannot connect to NATS at " + o.url));
  }
  return self;
}

Connection::~Connection() {
  if (connection_ != nullptr) {
    natsConnection_Close(connection_);
    natsConnection_Destroy(connection_);
  }
}

Result<void> Connection::publish(const std::string& subject, std::string_view data) {
  const auto s = natsConnection_Publish(connection_, subject.c_str(), data.data(),
                                        static_cast<int>(data.size()));
  if (s != NATS_OK) return std::unexpected(error_of(s, "publish on " + subject));
  return {};
}

Result<void> Connection::flush(int timeout_ms) {
  const auto s = natsConnection_FlushTimeout(connection_, timeout_ms);
  if (s != NATS_OK) return std::unexpected(error_of(s, "NATS flush"));
  return {};
}

bool Connection::connected() const {
  return natsConnection_Status(connection_) == NATS_CONN_STATUS_CONNECTED;
}

namespace {
std::string json_text(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}
}  // namespace

std::string server_config(std::string_view tenant, std::string_view listen,
                          std::string_view ordo_password,
                          const std::vector<std::pair<std::string, std::string>>& stores,
                          const std::vector<std::pair<std::string, std::string>>& feeds) {
  const std::string base = "ordo." + std::string(tenant);
  std::string conf = "listen: " + std::string(listen) +
                     "\nmax_payload: 65536\nwrite_deadline: \"5s\"\n"
                     "authorization {\n  users: [\n";
  conf += "    {user: \"ordo\", password: " + json_text(ordo_password) +
          ", permissions: {publish: {allow: [" + json_text(base + ".store.*.offers") +
          ", \"_INBOX.>\", \"_INBOX_FEED.>\"]}, " + "subscribe: {allow: [" +
          json_text(all_claims_subject(tenant)) + ", " + json_text(all_feeds_subject(tenant)) +
          "]}}}\n";
  for (const auto& [site, password] : stores) {
    conf += "    {user: " + json_text("store-" + site) + ", password: " + json_text(password) +
            ", permissions: {publish: {allow: [" + json_text(claims_subject(tenant, site)) +
            "]}, " + "subscribe: {allow: [" + json_text(offers_subject(tenant, site)) + ", " +
            json_text(inbox_prefix(site) + ".>") + "]}}}\n";
  }
  for (const auto& [source, password] : feeds) {
    conf += "    {user: " + json_text("feed-" + source) + ", password: " + json_text(password) +
            ", permissions: {publish: {allow: [" + json_text(feed_subject(tenant, source)) +
            "]}, " + "subscribe: {allow: [" + json_text(feed_inbox_prefix(source) + ".>") +
            "]}}}\n";
  }
  return conf + "  ]\n}\n";
}

}  // namespace ordo::adapters::nats
