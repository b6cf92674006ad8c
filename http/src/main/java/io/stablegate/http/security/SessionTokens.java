package io.stablegate.http.security;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.SecretKey;

/**
 * Dashboard sessions: an HS256 JWT (jjwt) carrying the merchant id, the server-side session's id
 * ({@code sid}, a row of {@code merchant_sessions} that every request checks) and the session's CSRF
 * token, short-lived and renewed while in use, never past the session's end. The CSRF token is in the
 * signed token as well as in the {@code csrf} cookie, so a cookie planted by a sibling domain cannot
 * pass the double-submit check.
 */
public final class SessionTokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String CSRF_CLAIM = "csrf";
  private static final String SESSION_CLAIM = "sid";

  /** A well-signed, unexpired token: whose it is, its server-side session, its CSRF token, its expiry. */
  public record Session(UUID merchantId, UUID sessionId, String csrfToken, Instant expiresAt) {}

  private final SecretKey key;
  private final Duration ttl;
  private final Duration clockSkew;
  private final Clock clock;

  public SessionTokens(byte[] secret, Duration ttl, Duration clockSkew, Clock clock) {
    this.key = Keys.hmacShaKeyFor(secret);
    this.ttl = ttl;
    this.clockSkew = clockSkew;
    this.clock = clock;
  }

  public static String newCsrfToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public Duration ttl() {
    return ttl;
  }

  /** A token for the session, valid for the TTL but never past {@code sessionEnd}. */
  public String issue(UUID merchantId, UUID sessionId, String csrfToken, Instant sessionEnd) {
    Instant now = clock.instant();
    return Jwts.builder()
        .subject(merchantId.toString())
        .claim(SESSION_CLAIM, sessionId.toString())
        .claim(CSRF_CLAIM, csrfToken)
        .issuedAt(Date.from(now))
        .expiration(Date.from(expiry(now, sessionEnd)))
        .signWith(key, Jwts.SIG.HS256)
        .compact();
  }

  /** The session of a token that is well signed (HS256 only) and not expired; empty otherwise. */
  public Optional<Session> verify(String token) {
    try {
      Claims claims = Jwts.parser()
          .verifyWith(key)
          .clockSkewSeconds(clockSkew.toSeconds())
          .clock(() -> Date.from(clock.instant()))
          .build()
          .parseSignedClaims(token)
          .getPayload();
      String csrf = claims.get(CSRF_CLAIM, String.class);
      String sid = claims.get(SESSION_CLAIM, String.class);
      if (claims.getSubject() == null || sid == null || csrf == null || claims.getExpiration() == null) {
        return Optional.empty();
      }
      return Optional.of(new Session(UUID.fromString(claims.getSubject()), UUID.fromString(sid), csrf,
          claims.getExpiration().toInstant()));
    } catch (JwtException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Sliding renewal: a token with less than half its lifetime left gets a fresh one, unless it already
   * runs to the session's end (a renewal could not extend it).
   */
  public boolean needsRenewal(Session session, Instant sessionEnd) {
    return session.expiresAt().isBefore(sessionEnd)
        && Duration.between(clock.instant(), session.expiresAt()).compareTo(ttl.dividedBy(2)) < 0;
  }

  /** How long a token issued now lives: the TTL, cut at the session's end. */
  public Instant expiry(Instant now, Instant sessionEnd) {
    Instant byTtl = now.plus(ttl);
    return byTtl.isBefore(sessionEnd) ? byTtl : sessionEnd;
  }
}
