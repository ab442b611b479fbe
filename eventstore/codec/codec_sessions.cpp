// Codec of the session events (domain/sessions.h): read by the gateway's sign-in service, skipped
// by the pipeline and the projections.
#include <algorithm>
#include <utility>

#include "eventstore/codec/codec.h"
#include "eventstore/codec/codec_support.h"
#include "eventstore/codec/schema/users_generated.h"

namespace ordo::wire {
namespace {

namespace fb = ordo::events::fb;
namespace sessions = domain::sessions;

struct Encoder {
  Builder& b;
  EventData operator()(const sessions::SessionStarted& e) {
    b.Finish(fb::CreateSessionStartedDirect(b, e.session_id.c_str(), e.user_id.c_str(),
                                            e.secret_sha256.c_str(), e.credentials_generation,
                                            e.second_factor, e.client.c_str(), e.user_agent.c_str(),
                                            e.idle_lifetime, e.absolute_lifetime, e.at));
    return finish(b, "SessionStarted");
  }
  EventData operator()(const sessions::SessionTouched& e) {
    b.Finish(fb::CreateSessionTouched(b, e.at));
    return finish(b, "SessionTouched");
  }
  EventData operator()(const sessions::SessionReauthenticated& e) {
    b.Finish(fb::CreateSessionReauthenticated(b, e.at));
    return finish(b, "SessionReauthenticated");
  }
  EventData operator()(const sessions::SessionEnded& e) {
    b.Finish(
        fb::CreateSessionEndedDirect(b, static_cast<std::uint8_t>(e.reason), e.by.c_str(), e.at));
    return finish(b, "SessionEnded");
  }
};

Result<sessions::Event> decode_payload(std::string_view type, std::string_view payload) {
  if (type == "SessionStarted") {
    auto t = root<fb::SessionStarted>(payload, type);
    if (!t) return std::unexpected(t.error());
    const auto* s = *t;
    return sessions::Event{sessions::SessionStarted{
        text(s->session_id()), text(s->user_id()), text(s->secret_sha256()),
        s->credentials_generation(), s->second_factor(), text(s->client()), text(s->user_agent()),
        s->idle_lifetime(), s->absolute_lifetime(), s->at()}};
  }
  if (type == "SessionTouched") {
    auto t = root<fb::SessionTouched>(payload, type);
    if (!t) return std::unexpected(t.error());
    return sessions::Event{sessions::SessionTouched{(*t)->at()}};
  }
  if (type == "SessionReauthenticated") {
    auto t = root<fb::SessionReauthenticated>(payload, type);
    if (!t) return std::unexpected(t.error());
    return sessions::Event{sessions::SessionReauthenticated{(*t)->at()}};
  }
  auto t = root<fb::SessionEnded>(payload, type);
  if (!t) return std::unexpected(t.error());
  return sessions::Event{sessions::SessionEnded{
      enum_of((*t)->reason(), sessions::EndReason::credentials_changed, "session end"),
      text((*t)->by()), (*t)->at()}};
}

}  // namespace

EventData encode(const sessions::Event& event) {
  Builder b;
  return std::visit(Encoder{b}, event);
}

const std::vector<std::string>& session_type_names() {
  static const auto kNames =
      type_names_of<sessions::Event>([](const sessions::Event& e) { return encode(e); });
  return kNames;
}

bool is_session_type(std::string_view type) {
  const auto& names = session_type_names();
  return std::find(names.begin(), names.end(), type) != names.end();
}

Result<sessions::Event> decode_session(std::string_view type, std::uint16_t schema_version,
                                       std::string_view payload) {
  return decode_checked(
      type, schema_version, payload, is_session_type(type),
      [&](std::string_view aligned_payload) { return decode_payload(type, aligned_payload); });
}

}  // namespace ordo::wire
