package io.stablegate.http.auth;

import io.stablegate.engine.Failures;
import io.stablegate.http.ApiPaths;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.http.ErrorHandling;
import io.stablegate.http.RequestBodies;
import io.stablegate.http.Responses;
import io.stablegate.http.security.ApiKeyAuthenticator;
import io.stablegate.http.security.ApiKeys;
import io.stablegate.http.security.ClientAddress;
import io.stablegate.http.security.LoginThrottle;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.http.security.PasswordHashing;
import io.stablegate.http.security.PasswordPolicy;
import io.stablegate.http.security.Passwords;
import io.stablegate.http.security.RegistrationThrottle;
import io.stablegate.http.security.Sessions;
import io.stablegate.persistence.merchant.DuplicateException;
import io.stablegate.persistence.merchant.Merchant;
import io.stablegate.persistence.merchant.MerchantChanges;
import io.stablegate.persistence.merchant.MerchantRepository;
import io.stablegate.persistence.merchant.WalletRepository;
import io.stablegate.persistence.merchant.WebhookSettingsRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Accounts: register, login, logout, me, API-key rotation. Passwords are bcrypt-hashed and checked
 * on their own bounded pool ({@link PasswordHashing}); registrations are throttled per address and
 * failed logins per account and address; the API key is shown once.
 */
public final class AccountRoutes extends AllDirectives {
  private final MerchantAuthentication auth;
  private final MerchantRepository merchants;
  private final WalletRepository wallets;
  private final WebhookSettingsRepository webhooks;
  private final Passwords passwords;
  private final PasswordPolicy policy;
  private final LoginThrottle throttle;
  private final Sessions sessions;
  private final ApiKeyAuthenticator apiKeys;
  private final MerchantChanges changes;
  private final ClientAddress clientAddress;
  private final RequestBodies bodies;
  private final Blocking blocking;
  private final PasswordHashing hashing;
  private final RegistrationThrottle registrations;
  private final Clock clock;

  public AccountRoutes(MerchantAuthentication auth, MerchantRepository merchants, WalletRepository wallets,
      WebhookSettingsRepository webhooks, Passwords passwords, PasswordPolicy policy, LoginThrottle throttle,
      Sessions sessions, ApiKeyAuthenticator apiKeys, MerchantChanges changes,
      ClientAddress clientAddress, RequestBodies bodies, Blocking blocking, PasswordHashing hashing,
      RegistrationThrottle registrations, Clock clock) {
    this.auth = auth;
    this.merchants = merchants;
    this.wallets = wallets;
    this.webhooks = webhooks;
    this.passwords = passwords;
    this.policy = policy;
    this.throttle = throttle;
    this.sessions = sessions;
    this.apiKeys = apiKeys;
    this.changes = changes;
    this.clientAddress = clientAddress;
    this.bodies = bodies;
    this.blocking = blocking;
    this.hashing = hashing;
    this.registrations = registrations;
    this.clock = clock;
  }

  public Route route() {
    return concat(
        path(ApiPaths.api("auth", "register"), () -> post(this::register)),
        path(ApiPaths.api("auth", "login"), () -> post(this::login)),
        path(ApiPaths.api("auth", "logout"), () -> post(this::logout)),
        path(ApiPaths.api("me"), () -> get(this::me)),
        path(ApiPaths.api("api-keys", "rotate"), () -> post(this::rotateApiKey)),
        path(ApiPaths.api("api-keys", "test"), () -> post(this::rotateTestApiKey)));
  }

  /**
   * Throttled per address before anything else; refused (503) at once while the password pool is full;
   * a taken email is 409 after one lookup, without hashing (registration says whether an email has an
   * account anyway); the hash runs on the bounded password pool. Two registrations of one new email at
   * once both hash, and one is 409.
   */
  private Route register() {
    return clientAddress.extract(address -> {
      registrations.take(address);
      return bodies.json(Credentials.class, credentials -> {
        policy.problem(credentials.password()).ifPresent(problem -> {
          throw ApiProblem.field("password", problem);
        });
        // a flood beyond the password pool is refused here, before it costs a database lookup
        hashing.refuseWhenFull();
        String email = credentials.email().strip();
        String apiKey = ApiKeys.generate();
        return onSuccess(blocking.run(() -> merchants.findByEmail(email).isPresent())
            .thenCompose(taken -> {
              if (taken) {
                throw ApiProblem.of(409, "Conflict", "An account with this email exists.");
              }
              return hashing.run(() -> passwords.hash(credentials.password()));
            })
            .thenCompose(hash -> blocking.run(() -> {
              try {
                return merchants.create(UUID.randomUUID(), email, hash, ApiKeys.hash(apiKey),
                    clock.instant().truncatedTo(ChronoUnit.MILLIS));
              } catch (DuplicateException e) {
                throw ApiProblem.of(409, "Conflict", "An account with this email exists.");
              }
            })), merchant -> complete(Responses.json(201, Map.of(
            "merchantId", merchant.id(), "email", merchant.email(), "apiKey", apiKey))));
      });
    });
  }

  private Route login() {
    return clientAddress.extract(address -> bodies.json(Credentials.class, credentials -> {
      String account = credentials.email().strip().toLowerCase(Locale.ROOT);
      throttle.reserve(account, address).ifPresent(wait -> {
        throw ApiProblem.tooManyRequests(wait);
      });
      return onSuccess(blocking.run(() -> merchants.findByEmail(account))
          .thenCompose(found -> hashing.run(() -> found.isPresent()
              ? passwords.verify(credentials.password(), found.get().passwordHash())
              : passwords.verifyDecoy(credentials.password()))
              .thenApply(ok -> {
                if (!ok) {
                  throw ApiProblem.unauthorized("The email or the password is wrong.");
                }
                throttle.succeeded(account, address);
                return found.get();
              }))
          .thenCompose(merchant -> blocking.run(() -> Map.entry(merchant, sessions.start(merchant.id()))))
          .whenComplete((login, error) -> {
            if (error != null && !(Failures.cause(error) instanceof ApiProblem p
                && p.problem().status() == 401)) {
              throttle.abandoned(account, address);
            }
          }), login -> {
        Merchant merchant = login.getKey();
        return respondWithHeaders(login.getValue(), () -> complete(Responses.json(200,
            Map.of("merchantId", merchant.id(), "email", merchant.email()))));
      });
    }));
  }

  /** Revokes the session on the server (every node checks it), then clears the cookies. */
  private Route logout() {
    return auth.activeSession(false, session -> onSuccess(blocking.run(() -> {
      sessions.revoke(session);
      return true;
    }), revoked -> respondWithHeaders(sessions.cleared(), () -> complete(Responses.noContent()))));
  }

  private Route me() {
    return auth.merchant(merchantId -> onSuccess(blocking.run(() -> {
      Merchant merchant = merchants.find(merchantId).orElseThrow(() -> ApiProblem.unauthorized("No such account."));
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("merchantId", merchant.id());
      body.put("email", merchant.email());
      body.put("wallets", wallets.list(merchantId));
      body.put("webhookUrl", webhooks.findUrl(merchantId).orElse(null));
      body.put("createdAt", merchant.createdAt());
      return body;
    }), body -> complete(Responses.json(200, body))));
  }

  private Route rotateApiKey() {
    return auth.confirmedSession(merchantId -> {
      String apiKey = ApiKeys.generate();
      return onSuccess(blocking.run(() -> {
        merchants.rotateApiKey(merchantId, ApiKeys.hash(apiKey), MerchantAuthentication.Actor.SESSION.label());
        apiKeys.evict(merchantId);
        changes.publish(new MerchantChanges.ApiKeyRotated(merchantId));
        return Instant.now();
      }), done -> complete(Responses.json(200, Map.of("apiKey", apiKey))));
    });
  }

  /**
   * A new test API key (test mode), shown once, replacing the previous one; the live key is
   * untouched. Every node forgets the old test key as for a rotation.
   */
  private Route rotateTestApiKey() {
    return auth.confirmedSession(merchantId -> {
      String apiKey = ApiKeys.generate();
      return onSuccess(blocking.run(() -> {
        merchants.rotateTestApiKey(merchantId, ApiKeys.hash(apiKey), MerchantAuthentication.Actor.SESSION.label());
        apiKeys.evict(merchantId);
        changes.publish(new MerchantChanges.ApiKeyRotated(merchantId));
        return apiKey;
      }), done -> complete(Responses.json(200, Map.of("apiKey", apiKey))));
    });
  }
}
