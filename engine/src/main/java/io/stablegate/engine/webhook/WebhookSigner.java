package io.stablegate.engine.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signatures of docs/webhooks.md, over the exact bytes sent:
 * <ul>
 *   <li>{@code X-Webhook-Signature: sha256=<hex HMAC-SHA256(key, rawBody)>}</li>
 *   <li>{@code webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + rawBody)>}
 *       (Standard Webhooks), beside {@code webhook-id} and {@code webhook-timestamp}</li>
 * </ul>
 * {@code key} is the base64-decoded part of a {@code whsec_…} secret. With several secrets (during a
 * rotation) each header carries one signature per secret, space-separated, the current one first.
 */
public final class WebhookSigner {
  public static final String SECRET_PREFIX = "whsec_";
  public static final String LEGACY_SIGNATURE_HEADER = "X-Webhook-Signature";
  public static final String ID_HEADER = "webhook-id";
  public static final String TIMESTAMP_HEADER = "webhook-timestamp";
  public static final String SIGNATURE_HEADER = "webhook-signature";

  /** The signature headers of one request. */
  public record Signatures(String legacySignature, String webhookSignature) {}

  private WebhookSigner() {}

  public static Signatures sign(String id, long timestampSeconds, byte[] rawBody, List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("no secret to sign with");
    }
    byte[] prefix = (id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
    byte[] signedContent = new byte[prefix.length + rawBody.length];
    System.arraycopy(prefix, 0, signedContent, 0, prefix.length);
    System.arraycopy(rawBody, 0, signedContent, prefix.length, rawBody.length);
    String legacy = secrets.stream()
        .map(secret -> "sha256=" + HexFormat.of().formatHex(hmac(key(secret), rawBody)))
        .collect(Collectors.joining(" "));
    String standard = secrets.stream()
        .map(secret -> "v1," + Base64.getEncoder().encodeToString(hmac(key(secret), signedContent)))
        .collect(Collectors.joining(" "));
    return new Signatures(legacy, standard);
  }

  /** The HMAC key of a {@code whsec_<base64>} secret. */
  static byte[] key(String secret) {
    if (!secret.startsWith(SECRET_PREFIX)) {
      throw new IllegalArgumentException("a webhook secret starts with " + SECRET_PREFIX);
    }
    return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
  }

  private static byte[] hmac(byte[] key, byte[] content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }
}
