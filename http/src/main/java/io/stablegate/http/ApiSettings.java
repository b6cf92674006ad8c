package io.stablegate.http;

import com.typesafe.config.Config;
import java.time.Duration;

/** Settings of the HTTP API, from {@code stablegate} and {@code stablegate.http} (reference.conf). */
public record ApiSettings(
    boolean production,
    String jwtSecret,
    String masterKey,
    String publicUrl,
    String tlsKeystore,
    String tlsKeystorePassword,
    int redirectPort,
    boolean trustProxy,
    long maxBodyBytes,
    Duration bodyTimeout,
    String contentSecurityPolicy,
    String referrerPolicy,
    String hsts,
    Duration sessionTtl,
    Duration sessionClockSkew,
    int bcryptCost,
    RateLimitSettings rateLimits,
    LoginThrottleSettings loginThrottle,
    PasswordHashingSettings passwordHashing,
    RegistrationSettings registration,
    java.util.List<String> trustedProxies,
    Duration idempotencyRetention,
    Duration webhookSecretGrace,
    int defaultPageSize,
    int maxPageSize,
    int defaultExpiresInMinutes) {

  public record RateLimitSettings(int perAddressPerSecond, int perAddressBurst, int perApiKeyPerSecond,
      int perApiKeyBurst, Duration refusalDelay, int maxTracked) {}

  public record LoginThrottleSettings(Duration baseDelay, Duration forgetAfter, int accountFreeFailures,
      Duration accountMaxDelay, int addressFreeFailures, Duration addressMaxDelay, int pairFreeFailures,
      Duration pairMaxDelay) {}

  public record PasswordHashingSettings(int threads, int queue) {}

  public record RegistrationSettings(int perAddressPerMinute, int maxTracked) {}

  public static ApiSettings fromConfig(Config root) {
    Config s = root.getConfig("stablegate");
    Config h = s.getConfig("http");
    Config r = h.getConfig("rate-limit");
    Config l = h.getConfig("login-throttle");
    return new ApiSettings(
        "production".equalsIgnoreCase(s.getString("mode").trim()),
        s.getString("jwt-secret").trim(),
        s.getString("master-key").trim(),
        s.getString("public-url"),
        h.getString("tls-keystore").trim(),
        h.getString("tls-keystore-password"),
        h.getInt("redirect-port"),
        h.getBoolean("trust-proxy"),
        h.getBytes("max-body-size"),
        h.getDuration("body-timeout"),
        h.getString("content-security-policy"),
        h.getString("referrer-policy"),
        h.getString("hsts"),
        h.getDuration("session.ttl"),
        h.getDuration("session.clock-skew"),
        h.getInt("bcrypt-cost"),
        new RateLimitSettings(r.getInt("per-address-per-second"), r.getInt("per-address-burst"),
            r.getInt("per-api-key-per-second"), r.getInt("per-api-key-burst"), r.getDuration("refusal-delay"),
            r.getInt("max-tracked")),
        new LoginThrottleSettings(l.getDuration("base-delay"), l.getDuration("forget-after"),
            l.getInt("account-free-failures"), l.getDuration("account-max-delay"),
            l.getInt("address-free-failures"), l.getDuration("address-max-delay"),
            l.getInt("pair-free-failures"), l.getDuration("pair-max-delay")),
        new PasswordHashingSettings(h.getInt("password-hashing.threads"), h.getInt("password-hashing.queue")),
        new RegistrationSettings(h.getInt("registration.per-address-per-minute"), r.getInt("max-tracked")),
        trustedProxies(h.getString("trusted-proxies")),
        h.getDuration("idempotency-retention"),
        h.getDuration("webhook-secret-grace"),
        h.getInt("default-page-size"),
        h.getInt("max-page-size"),
        h.getInt("default-expires-in-minutes"));
  }

  /** {@code STABLEGATE_TRUSTED_PROXIES}: CIDRs separated by commas or spaces. */
  private static java.util.List<String> trustedProxies(String text) {
    return java.util.Arrays.stream(text.split("[,\\s]+")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public boolean tls() {
    return !tlsKeystore.isEmpty();
  }

  /** Cookies are Secure over HTTPS and always in production. */
  public boolean secureCookies() {
    return production || tls() || publicUrl.startsWith("https://");
  }

  @Override
  public String toString() {
    return "ApiSettings[production=" + production + ", tls=" + tls() + ", trustProxy=" + trustProxy + "]";
  }
}
