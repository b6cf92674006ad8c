package io.stablegate.engine.invoice;

import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.serialization.CborSerializable;

/**
 * The state of an invoice entity: nothing yet, or an {@link Invoice}. {@link #apply} is the one
 * event handler, pure, used by the entity and by the audit replay alike.
 */
public sealed interface InvoiceState extends CborSerializable permits InvoiceState.Empty, Invoice {

  /** Hash of the last applied event, the {@code prevHash} of the next one. */
  String lastHash();

  InvoiceState apply(InvoiceEvent event);

  record Empty() implements InvoiceState {
    @Override
    public String lastHash() {
      return EventHasher.GENESIS;
    }

    @Override
    public InvoiceState apply(InvoiceEvent event) {
      if (event instanceof InvoiceEvent.InvoiceCreated created) {
        return Invoice.created(created, EventHasher.hash(created));
      }
      throw new IllegalStateException("an invoice must be created before " + event.getClass().getSimpleName());
    }
  }
}
