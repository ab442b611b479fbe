// Codec of the stock events.
#include <optional>

#include "eventstore/codec/codec.h"
#include "eventstore/codec/codec_parts.h"
#include "eventstore/codec/codec_support.h"
#include "eventstore/codec/schema/stock_generated.h"

namespace ordo::wire {
namespace fb = ordo::events::fb;
namespace stock = domain::stock;

EventData encode(const stock::Event& event) {
  Builder b;
  struct Encoder {
    Builder& b;
    EventData operator()(const stock::StockReceived& e) {
      b.Finish(fb::CreateStockReceivedDirect(b, e.quantity, e.reference.c_str()));
      return finish(b, "StockReceived");
    }
    EventData operator()(const stock::StockAdjusted& e) {
      b.Finish(fb::CreateStockAdjustedDirect(b, e.delta, e.reason.c_str()));
      return finish(b, "StockAdjusted");
    }
    EventData operator()(const stock::StockCounted& e) {
      b.Finish(fb::CreateStockCountedDirect(b, e.counted, e.delta, e.shortage, e.source.c_str(),
                                            e.sequence));
      return finish(b, "StockCounted");
    }
    EventData operator()(const stock::StockReserved& e) {
      // A reservation from on hand carries no receipt: its bytes are those written before.
      b.Finish(fb::CreateStockReservedDirect(
          b, e.reservation_id.c_str(), e.order_id.c_str(), e.line, e.quantity, e.view.c_str(),
          e.receipt_id.empty() ? nullptr : e.receipt_id.c_str()));
      return finish(b, "StockReserved");
    }
    EventData operator()(const stock::StockHeld& e) {
      b.Finish(fb::CreateStockReservedDirect(b, e.reservation_id.c_str(), e.order_id.c_str(),
                                             e.line, e.quantity, e.view.c_str()));
      return finish(b, "StockHeld");
    }
    EventData operator()(const stock::ReservationReleased& e) {
      b.Finish(fb::CreateReservationReleasedDirect(b, e.reservation_id.c_str(), e.quantity,
                                                   e.reason.c_str()));
      return finish(b, "ReservationReleased");
    }
    EventData operator()(const stock::StockPicked& e) {
      b.Finish(fb::CreateReservationRefDirect(b, e.reservation_id.c_str(), 0));
      return finish(b, "StockPicked");
    }
    EventData operator()(const stock::StockShipped& e) {
      b.Finish(fb::CreateReservationRefDirect(b, e.reservation_id.c_str(), e.quantity));
      return finish(b, "StockShipped");
    }
    EventData operator()(const stock::ReceiptExpected& e) {
      b.Finish(fb::CreateReceiptExpectedDirect(b, e.receipt_id.c_str(), e.quantity, e.expected_at));
      return finish(b, "ReceiptExpected");
    }
    EventData operator()(const stock::ReceiptConfirmed& e) {
      b.Finish(fb::CreateReceiptConfirmedDirect(b, e.receipt_id.c_str(), e.received));
      return finish(b, "ReceiptConfirmed");
    }
    EventData operator()(const stock::ReceiptCancelled& e) {
      b.Finish(fb::CreateReceiptCancelledDirect(b, e.receipt_id.c_str()));
      return finish(b, "ReceiptCancelled");
    }
  };
  return std::visit(Encoder{b}, event);
}

std::optional<Result<DomainEvent>> decode_stock(std::string_view type, std::string_view payload) {
  using E = stock::Event;
  if (type == "StockReceived")
    return read<fb::StockReceived>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockReceived{t->quantity(), text(t->reference())}};
    });
  if (type == "StockAdjusted")
    return read<fb::StockAdjusted>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockAdjusted{t->delta(), text(t->reason())}};
    });
  if (type == "StockCounted")
    return read<fb::StockCounted>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockCounted{t->counted(), t->delta(), t->shortage(), text(t->source()),
                                   t->sequence()}};
    });
  if (type == "StockReserved")
    return read<fb::StockReserved>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockReserved{text(t->reservation_id()), text(t->order_id()), t->line(),
                                    t->quantity(), text(t->view()), text(t->receipt_id())}};
    });
  if (type == "StockHeld")
    return read<fb::StockReserved>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockHeld{text(t->reservation_id()), text(t->order_id()), t->line(),
                                t->quantity(), text(t->view())}};
    });
  if (type == "ReservationReleased")
    return read<fb::ReservationReleased>(type, payload, [](auto t) -> DomainEvent {
      return E{
          stock::ReservationReleased{text(t->reservation_id()), t->quantity(), text(t->reason())}};
    });
  if (type == "StockPicked")
    return read<fb::ReservationRef>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockPicked{text(t->reservation_id())}};
    });
  if (type == "StockShipped")
    return read<fb::ReservationRef>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::StockShipped{text(t->reservation_id()), t->quantity()}};
    });
  if (type == "ReceiptExpected")
    return read<fb::ReceiptExpected>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::ReceiptExpected{text(t->receipt_id()), t->quantity(), t->expected_at()}};
    });
  if (type == "ReceiptConfirmed")
    return read<fb::ReceiptConfirmed>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::ReceiptConfirmed{text(t->receipt_id()), t->received()}};
    });
  if (type == "ReceiptCancelled")
    return read<fb::ReceiptCancelled>(type, payload, [](auto t) -> DomainEvent {
      return E{stock::ReceiptCancelled{text(t->receipt_id())}};
    });
  return std::nullopt;
}

}  // namespace ordo::wire
