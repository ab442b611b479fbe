// A stock feed source on the NATS C client, as an ERP, WMS or point of sale would run one: its own
// user (feed-<source>), its own inbox, request/reply per message (gateway/feeds/stock_feed.h).
#pragma once

#include <nats/nats.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "adapters/nats.h"
#include "base/secrets.h"

namespace ordo::adapters::testing {

class FeedSource {
 public:
  /// Connects as `user` with `password` (empty: no credentials at all); throws when the server
  /// refuses, with its reason.
  FeedSource(const std::string& url, std::string source, const std::string& user,
             const std::string& password)
      : source_(std::move(source)) {
    natsOptions* options = nullptr;
    natsOptions_Create(&options);
    natsOptions_SetURL(options, url.c_str());
    if (!user.empty()) natsOptions_SetUserInfo(options, user.c_str(), password.c_str());
    natsOptions_SetCustomInboxPrefix(options, nats::feed_inbox_prefix(source_).c_str());
    natsOptions_SetSendAsap(options, true);
    const auto s = natsConnection_Connect(&connection_, options);
    natsOptions_Destroy(options);
    if (s != NATS_OK) {
      const char* last = nats_GetLastError(nullptr);
      throw std::runtime_error(std::string(natsStatus_GetText(s)) + ": " +
                               (last != nullptr ? last : ""));
    }
  }
  /// The source's own credentials as `ordo nats-config --feed` wrote them.
  static FeedSource of(const std::string& url, const std::filesystem::path& credentials,
                       const std::string& source) {
    auto password = ordo::read_secret((credentials / "feeds" / (source + ".password")).string());
    if (!password) throw std::runtime_error(password.error().to_string());
    return FeedSource(url, source, "feed-" + source, *password);
  }
  FeedSource(FeedSource&& other) noexcept
      : source_(std::move(other.source_)), connection_(other.connection_) {
    other.connection_ = nullptr;
  }
  ~FeedSource() {
    if (connection_ != nullptr) natsConnection_Destroy(connection_);
  }

  /// Sends one message on `subject` (the source's own unless given) and waits for the reply;
  /// {"result":"timeout"} when none comes.
  nlohmann::json send(const nlohmann::json& message, std::string subject = {},
                      int timeout_ms = 3000) {
    return send_text(message.dump(), std::move(subject), timeout_ms);
  }
  nlohmann::json send_text(const std::string& text, std::string subject = {},
                           int timeout_ms = 3000) {
    if (subject.empty()) subject = nats::feed_subject("main", source_);
    natsMsg* reply = nullptr;
    const auto s = natsConnection_Request(&reply, connection_, subject.c_str(), text.data(),
                                          static_cast<int>(text.size()), timeout_ms);
    if (s != NATS_OK) return {{"result", "timeout"}, {"status", natsStatus_GetText(s)}};
    auto doc = nlohmann::json::parse(
        std::string(natsMsg_GetData(reply), static_cast<std::size_t>(natsMsg_GetDataLength(reply))),
        nullptr, false);
    natsMsg_Destroy(reply);
    return doc;
  }
  natsConnection* connection() const { return connection_; }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  natsConnection* connection_ = nullptr;
};

}  // namespace ordo::adapters::testing
