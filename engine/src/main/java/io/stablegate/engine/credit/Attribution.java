package io.stablegate.engine.credit;

import io.stablegate.engine.serialization.CborSerializable;
import java.util.UUID;

/**
 * Who resolved an unmatched transfer (attached or dismissed it): the merchant, and whether with the
 * dashboard session or an API key. Recorded in the journals so that every resolution is attributed.
 */
public record Attribution(UUID merchantId, Via via) implements CborSerializable {

  public enum Via {
    SESSION,
    API_KEY
  }
}
