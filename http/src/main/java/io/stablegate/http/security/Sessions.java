package io.stablegate.http.security;

import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.persistence.merchant.SessionRepository;
import io.stablegate.persistence.merchant.SessionRepository.StoredSession;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpHeader;

/**
 * Server-side dashboard sessions. A login creates a row in {@code merchant_sessions} whose id the
 * session token carries ({@code sid}); every request made with the token reads that row, so a
 * session revoked on one node (logout, a password change elsewhere) is refused on every node from
 * the next request on. A session ends {@link SessionLimits#maxLifetime()} after its login however
 * often its token is renewed, compared with this node's clock and no leeway.
 */
public final class Sessions {

  /** A session that passed every check on this request. */
  public record Active(UUID merchantId, UUID sessionId, String csrfToken, Instant tokenExpiresAt, Instant end,
      Instant confirmedAt) {}

  private final SessionRepository repository;
  private final SessionTokens tokens;
  private final SessionCookies cookies;
  private final SessionLimits limits;
  private final Blocking blocking;
  private final Clock clock;

  public Sessions(SessionRepository repository, SessionTokens tokens, SessionCookies cookies, SessionLimits limits,
      Blocking blocking, Clock clock) {
    this.repository = repository;
    this.tokens = tokens;
    this.cookies = cookies;
    this.limits = limits;
    this.blocking = blocking;
    this.clock = clock;
  }

  /** Starts a session for a merchant who just proved the password; the cookies to set. Blocking. */
  public List<HttpHeader> start(UUID merchantId) throws SQLException {
    Instant now = clock.instant();
    StoredSession stored = repository.create(UUID.randomUUID(), merchantId, now, now.plus(limits.maxLifetime()));
    return issue(merchantId, stored.id(), SessionTokens.newCsrfToken(), stored.expiresAt());
  }

  /** The live session of a token: well signed, unexpired, and its row neither revoked nor past its end. */
  public CompletionStage<Optional<Active>> resolve(String token) {
    Optional<SessionTokens.Session> verified = tokens.verify(token);
    if (verified.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    SessionTokens.Session claimed = verified.get();
    return blocking.run(() -> repository.find(claimed.sessionId())).thenApply(found -> found
        .filter(stored -> stored.merchantId().equals(claimed.merchantId()))
        .filter(stored -> stored.liveAt(clock.instant()))
        .map(stored -> new Active(stored.merchantId(), stored.id(), claimed.csrfToken(), claimed.expiresAt(),
            stored.expiresAt(), stored.confirmedAt())));
  }

  /** A fresh token and cookies for the session when its token is half used up; empty otherwise. */
  public Optional<List<HttpHeader>> renewal(Active session) {
    SessionTokens.Session token = new SessionTokens.Session(session.merchantId(), session.sessionId(),
        session.csrfToken(), session.tokenExpiresAt());
    return tokens.needsRenewal(token, session.end())
        ? Optional.of(issue(session.merchantId(), session.sessionId(), session.csrfToken(), session.end()))
        : Optional.empty();
  }

  /** Whether the password was confirmed (or the merchant logged in) within the confirmation window. */
  public boolean fresh(Active session) {
    return clock.instant().isBefore(session.confirmedAt().plus(limits.confirmationWindow()));
  }

  /** 403 {@code reauthentication-required} unless the session is {@link #fresh}. */
  public void requireFresh(Active session) {
    if (!fresh(session)) {
      throw ApiProblem.reauthenticationRequired();
    }
  }

  /** Records a password confirmation in this session. Blocking. */
  public void confirm(Active session) throws SQLException {
    repository.confirm(session.sessionId(), clock.instant());
  }

  /** Ends the session on every node (logout). Blocking. */
  public void revoke(Active session) throws SQLException {
    repository.revoke(session.sessionId(), clock.instant());
  }

  /**
   * Stores a new password hash and revokes every session of the merchant, this one included; this one
   * is re-issued as a new session (as after a login): the cookies to set. Blocking.
   */
  public List<HttpHeader> changePassword(Active session, String newPasswordHash) throws SQLException {
    Instant now = clock.instant();
    UUID replacement = UUID.randomUUID();
    Instant end = now.plus(limits.maxLifetime());
    repository.changePassword(session.merchantId(), newPasswordHash, replacement, now, end);
    return issue(session.merchantId(), replacement, SessionTokens.newCsrfToken(), end);
  }

  public List<HttpHeader> cleared() {
    return List.copyOf(cookies.cleared());
  }

  private List<HttpHeader> issue(UUID merchantId, UUID sessionId, String csrfToken, Instant end) {
    Instant now = clock.instant();
    String token = tokens.issue(merchantId, sessionId, csrfToken, end);
    return List.copyOf(cookies.issued(token, csrfToken, Duration.between(now, tokens.expiry(now, end))));
  }
}
