package io.stablegate.engine.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * A change to a merchant's settings that money depends on: a wallet address, the webhook URL or
 * secret, the API key, the underpayment tolerance. Kept per merchant in an append-only, hash-chained log (as invoice events
 * are), so an auditor can prove who pointed payments where, and when. Values that are secrets are
 * never recorded, only the fact that they changed.
 *
 * @param kind what changed
 * @param subject what it applies to (the chain of a wallet), or null
 * @param oldValue the value before (null when there was none)
 * @param newValue the value after (null when removed)
 * @param actor who made the change (e.g. {@code session} or {@code api-key})
 */
public record SettingsChange(
    UUID merchantId,
    Kind kind,
    String subject,
    String oldValue,
    String newValue,
    String actor,
    Instant at,
    String prevHash)
    implements HashChained {

  public enum Kind {
    WALLET_SET,
    WALLET_REMOVED,
    WEBHOOK_URL_SET,
    WEBHOOK_SECRET_ROTATED,
    API_KEY_ROTATED,
    TEST_API_KEY_ROTATED,
    UNDERPAYMENT_TOLERANCE_SET
  }
}
