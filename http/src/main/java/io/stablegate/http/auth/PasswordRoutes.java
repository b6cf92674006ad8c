package io.stablegate.http.auth;

import io.stablegate.http.ApiPaths;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.http.RequestBodies;
import io.stablegate.http.Responses;
import io.stablegate.http.security.ClientAddress;
import io.stablegate.http.security.LoginThrottle;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.http.security.PasswordHashing;
import io.stablegate.http.security.PasswordPolicy;
import io.stablegate.http.security.Passwords;
import io.stablegate.http.security.Sessions;
import io.stablegate.persistence.merchant.Merchant;
import io.stablegate.persistence.merchant.MerchantRepository;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The password inside a session: {@code POST /api/v1/auth/password} changes it (every session of the
 * merchant is revoked and this one re-issued), {@code POST /api/v1/auth/confirm-password} proves it
 * again so that the session counts as freshly confirmed. A wrong password is 403 and counts as a
 * failed login for the throttle, so a stolen session cannot be used to guess the password. Like a
 * login, the bcrypt work runs on the bounded password pool ({@link PasswordHashing}), never on the
 * threads of the database work: a full pool is 503 with Retry-After, and the attempt does not count.
 */
public final class PasswordRoutes extends AllDirectives {
  private final MerchantAuthentication auth;
  private final MerchantRepository merchants;
  private final Sessions sessions;
  private final Passwords passwords;
  private final PasswordPolicy policy;
  private final LoginThrottle throttle;
  private final ClientAddress clientAddress;
  private final RequestBodies bodies;
  private final Blocking blocking;
  private final PasswordHashing hashing;

  public PasswordRoutes(MerchantAuthentication auth, MerchantRepository merchants, Sessions sessions,
      Passwords passwords, PasswordPolicy policy, LoginThrottle throttle, ClientAddress clientAddress,
      RequestBodies bodies, Blocking blocking, PasswordHashing hashing) {
    this.auth = auth;
    this.merchants = merchants;
    this.sessions = sessions;
    this.passwords = passwords;
    this.policy = policy;
    this.throttle = throttle;
    this.clientAddress = clientAddress;
    this.bodies = bodies;
    this.blocking = blocking;
    this.hashing = hashing;
  }

  public Route route() {
    return concat(
        path(ApiPaths.api("auth", "password"), () -> post(this::change)),
        path(ApiPaths.api("auth", "confirm-password"), () -> post(this::confirm)));
  }

  private Route change() {
    return clientAddress.extract(address -> auth.activeSession(false, session ->
        bodies.json(PasswordChangeRequest.class, request -> {
          policy.problem(request.newPassword()).ifPresent(problem -> {
            throw ApiProblem.field("newPassword", problem);
          });
          return onSuccess(verify(session, request.currentPassword(), address)
                  .thenCompose(merchant -> hashing.run(() -> passwords.hash(request.newPassword())))
                  .thenCompose(hash -> blocking.run(() -> sessions.changePassword(session, hash))),
              (List<HttpHeader> cookies) -> respondWithHeaders(cookies, () -> complete(Responses.noContent())));
        })));
  }

  private Route confirm() {
    return clientAddress.extract(address -> auth.activeSession(true, session ->
        bodies.json(PasswordConfirmation.class, request -> onSuccess(verify(session, request.password(), address)
            .thenCompose(merchant -> blocking.run(() -> {
              sessions.confirm(session);
              return true;
            })), done -> complete(Responses.noContent())))));
  }

  /**
   * Checks the merchant's password, throttled like a login: the merchant is read on the database
   * threads, the attempt reserved with the throttle (429), bcrypt run on the password pool (503 when
   * full: the attempt is then abandoned, it does not count); a wrong password fails with 403.
   */
  private CompletionStage<Merchant> verify(Sessions.Active session, String password, String address) {
    return blocking.run(() -> merchants.find(session.merchantId())
            .orElseThrow(() -> ApiProblem.unauthorized("No such account.")))
        .thenCompose(merchant -> {
          String account = merchant.email().toLowerCase(Locale.ROOT);
          // reserved before bcrypt, like a login: concurrent guesses count as if made one after another
          throttle.reserve(account, address).ifPresent(wait -> {
            throw ApiProblem.tooManyRequests(wait);
          });
          return hashing.run(() -> passwords.verify(password, merchant.passwordHash()))
              .whenComplete((ok, error) -> {
                if (error != null) {
                  throttle.abandoned(account, address);
                }
              })
              .thenApply(ok -> {
                if (!ok) {
                  throw ApiProblem.of(403, "Forbidden", "The password is wrong.");
                }
                throttle.succeeded(account, address);
                return merchant;
              });
        });
  }
}
