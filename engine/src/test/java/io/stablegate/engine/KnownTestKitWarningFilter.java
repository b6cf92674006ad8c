package io.stablegate.engine;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the one warning that {@link PersistenceTestConfig} causes on purpose: EventSourcedBehaviorTestKit
 * warns when the in-memory journal serializes, but these tests want it to, so that {@code restart()}
 * recovers through CBOR. Every other warning still shows.
 */
public final class KnownTestKitWarningFilter extends Filter<ILoggingEvent> {
  @Override
  public FilterReply decide(ILoggingEvent event) {
    String message = event.getMessage();
    return message != null && message.startsWith("Persistence TestKit serialization enabled when using EventSourcedBehaviorTestKit")
        ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }
}
