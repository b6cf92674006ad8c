package io.stablegate.engine.webhook;

// An independent receiver-side check, written from the Standard Webhooks specification
// (https://www.standardwebhooks.com/) and docs/webhooks.md, not from WebhookSigner. docs/webhooks.md
// shows the part between the markers to merchants; WebhooksDocTest keeps the two equal.
// --8<-- [start:verifier]
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Verifies a Stablegate webhook. {@code secret} is the whsec_… secret from the dashboard. */
public final class StandardWebhooksVerifier {
  private static final long TOLERANCE_SECONDS = 5 * 60;

  /** The Standard Webhooks check: headers webhook-id, webhook-timestamp, webhook-signature. */
  public static boolean verify(String secret, String id, String timestamp, String signatureHeader, byte[] body)
      throws Exception {
    long sentAt = Long.parseLong(timestamp);
    if (Math.abs(Instant.now().getEpochSecond() - sentAt) > TOLERANCE_SECONDS) {
      return false; // too old or from the future: a replay
    }
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    byte[] signed = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, signed, 0, prefix.length);
    System.arraycopy(body, 0, signed, prefix.length, body.length);
    byte[] expected = hmacSha256(key, signed);
    for (String candidate : signatureHeader.split(" ")) { // several during a secret rotation
      if (candidate.startsWith("v1,")
          && MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(3)))) {
        return true;
      }
    }
    return false;
  }

  /** The simpler check: header X-Webhook-Signature, sha256=<hex HMAC of the raw body>. */
  public static boolean verifyLegacy(String secret, String signatureHeader, byte[] body) throws Exception {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    byte[] expected = hmacSha256(key, body);
    for (String candidate : signatureHeader.split(" ")) {
      if (candidate.startsWith("sha256=")
          && MessageDigest.isEqual(expected, HexFormat.of().parseHex(candidate.substring(7)))) {
        return true;
      }
    }
    return false;
  }

  private static byte[] hmacSha256(byte[] key, byte[] content) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(content);
  }
}
// --8<-- [end:verifier]
