#include "adapters/store_client.h"

namespace ordo::adapters {
namespace {

using nlohmann::json;

constexpr std::size_t kSeenOffersMax = 1 << 20;  // offers remembered for deduplication

json parse(natsMsg* message) {
  json doc = json::parse(natsMsg_GetData(message),
                         natsMsg_GetData(message) + natsMsg_GetDataLength(message), nullptr, false);
  natsMsg_Destroy(message);
  return doc.is_object() ? doc : json{{"result", "invalid"}, {"reason", "not a JSON object"}};
}

}  // namespace

void on_store_message(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
  static_cast<StoreClient*>(closure)->deliver(parse(message));
}

void on_store_answer(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
  auto* self = static_cast<StoreClient*>(closure);
  auto answer = parse(message);
  if (self->on_answer_) self->on_answer_(answer);
}

Result<std::unique_ptr<StoreClient>> StoreClient::connect(StoreClientOptions options,
                                                          MessageHandler on_message,
                                                          std::function<void()> on_reconnected,
                                                          AnswerHandler on_answer) {
  std::unique_ptr<StoreClient> self(new StoreClient());
  self->options_ = std::move(options);
  self->on_message_ = std::move(on_message);
  self->on_answer_ = std::move(on_answer);
  const auto& o = self->options_;
  auto connection = nats::Connection::open(
      {o.url, "store-" + o.site_id, o.password, o.name.empty() ? "store " + o.site_id : o.name,
       nats::inbox_prefix(o.site_id), 2000, o.retry_on_failed_connect, o.on_error,
       std::move(on_reconnected)});
  if (!connection) return std::unexpected(connection.error());
  self->connection_ = std::move(*connection);
  self->claims_subject_ = nats::claims_subject(o.tenant, o.site_id);
  self->answers_subject_ = nats::inbox_prefix(o.site_id) + ".answers";
  const auto offers = nats::offers_subject(o.tenant, o.site_id);
  if (auto s = natsConnection_Subscribe(&self->offers_, self->connection_->get(), offers.c_str(),
                                        &on_store_message, self.get());
      s != NATS_OK) {
    return std::unexpected(nats::error_of(s, "subscribe to " + offers));
  }
  if (self->on_answer_) {
    if (auto s =
            natsConnection_Subscribe(&self->answers_, self->connection_->get(),
                                     self->answers_subject_.c_str(), &on_store_answer, self.get());
        s != NATS_OK) {
      return std::unexpected(nats::error_of(s, "subscribe to " + self->answers_subject_));
    }
  }
  natsConnection_Flush(self->connection_->get());
  return self;
}

StoreClient::~StoreClient() {
  // Unsubscribe waits for no callback, but Destroy after it guarantees none runs later.
  for (auto* subscription : {offers_, answers_}) {
    if (subscription == nullptr) continue;
    natsSubscription_Unsubscribe(subscription);
    natsSubscription_Destroy(subscription);
  }
}

// An offer reaches the handler once per (order, round); other messages as they come.
void StoreClient::deliver(const json& message) {
  if (message.value("type", "") == "offer") {
    const auto key =
        message.value("order_id", "") + "/" + std::to_string(message.value("round", 0u));
    std::lock_guard lock(seen_mutex_);
    if (seen_.size() >= kSeenOffersMax) seen_.clear();
    if (!seen_.insert(key).second) {
      repeated_.fetch_add(1);
      return;
    }
  }
  if (on_message_) on_message_(message);
}

json StoreClient::request(const json& body, int timeout_ms, const std::string& subject) {
  return request_text(body.dump(), subject.empty() ? claims_subject_ : subject, timeout_ms);
}

json StoreClient::request_text(std::string_view text, const std::string& subject, int timeout_ms) {
  natsMsg* reply = nullptr;
  const auto s = natsConnection_Request(&reply, connection_->get(), subject.c_str(), text.data(),
                                        static_cast<int>(text.size()), timeout_ms);
  if (s != NATS_OK)
    return {{"result", s == NATS_TIMEOUT ? "timeout" : "error"}, {"reason", natsStatus_GetText(s)}};
  return parse(reply);
}

bool StoreClient::request_async(const json& body) {
  const auto text = body.dump();
  return natsConnection_PublishRequest(connection_->get(), claims_subject_.c_str(),
                                       answers_subject_.c_str(), text.data(),
                                       static_cast<int>(text.size())) == NATS_OK;
}

}  // namespace ordo::adapters
