package io.stablegate.http.security;

import io.stablegate.persistence.merchant.MerchantRepository;

import io.stablegate.http.ApiProblem;
import io.stablegate.http.Authenticated;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The real {@link Authenticated}: an API key ({@code Authorization: Bearer} or {@code X-API-Key}),
 * rate-limited per key, or the {@code jwt} session cookie, for which a state-changing method must
 * also carry {@code X-CSRF-Token} equal to the {@code csrf} cookie and to the token signed into the
 * session (double submit). A session must be live on the server ({@link Sessions}); its token is
 * renewed while in use. Anything else is 401 (CSRF: 403).
 *
 * <p>Test mode: the merchant's test API key reaches only the routes that serve test invoices
 * ({@link #modeAware}); elsewhere it is 403. A session chooses the mode of those routes with the
 * query parameter {@code livemode} ({@code true}, the default, or {@code false}).
 */
public final class MerchantAuthentication extends AllDirectives implements Authenticated {
  /** Who made a change, for the settings-change log. */
  public enum Actor {
    API_KEY("api-key"),
    SESSION("session");

    private final String label;

    Actor(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * The authenticated merchant, how it authenticated, and whether it acts on live invoices or on test
   * invoices (test mode: the test API key, or a session asking {@code livemode=false}).
   */
  public record Caller(UUID merchantId, Actor actor, boolean livemode) {}

  private final ApiKeyAuthenticator apiKeys;
  private final Sessions sessions;
  private final RateLimits rateLimits;

  public MerchantAuthentication(ApiKeyAuthenticator apiKeys, Sessions sessions, RateLimits rateLimits) {
    this.apiKeys = apiKeys;
    this.sessions = sessions;
    this.rateLimits = rateLimits;
  }

  /** The live API key or a session. */
  @Override
  public Route merchant(Function<UUID, Route> inner) {
    return caller(true, true, live(c -> inner.apply(c.merchantId())));
  }

  /** The live API key or a session, telling which. */
  public Route caller(Function<Caller, Route> inner) {
    return caller(true, true, live(inner));
  }

  /**
   * Either API key, or a session in the mode its {@code livemode} parameter asks: the routes of
   * invoices, which keep live and test invoices apart.
   */
  public Route modeAware(Function<Caller, Route> inner) {
    return caller(true, true, inner);
  }

  /** The test API key refused (403): the route serves live data only. */
  private static Function<Caller, Route> live(Function<Caller, Route> inner) {
    return c -> {
      if (c.actor() == Actor.API_KEY && !c.livemode()) {
        throw ApiProblem.of(403, "Forbidden", "The test API key serves invoices, their export and simulated "
            + "payments only (docs/api.md#test-mode); use the live API key or the dashboard for this call.");
      }
      return inner.apply(c);
    };
  }

  /** A dashboard session only (account settings). */
  public Route session(Function<UUID, Route> inner) {
    return caller(false, true, c -> inner.apply(c.merchantId()));
  }

  /**
   * A dashboard session whose password was confirmed (or that logged in) within the confirmation
   * window: changes of wallets, webhooks and API keys. A stale session gets 403
   * {@code reauthentication-required} before anything else of the request is looked at.
   */
  public Route confirmedSession(Function<UUID, Route> inner) {
    return rejectingApiKeys(() -> withSession(true, active -> {
      sessions.requireFresh(active);
      return inner.apply(active.merchantId());
    }));
  }

  /**
   * A dashboard session only, with its server-side identity (logout, password change, confirmation).
   * With {@code renew} false the token is not renewed on the way (logout clears it instead).
   */
  public Route activeSession(boolean renew, Function<Sessions.Active, Route> inner) {
    return rejectingApiKeys(() -> withSession(renew, inner));
  }

  /** An API key only (the live one). */
  public Route apiKey(Function<UUID, Route> inner) {
    return caller(true, false, live(c -> inner.apply(c.merchantId())));
  }

  /** The test API key only; the live key gets 404, as if the route did not exist for it. */
  public Route testApiKey(Function<UUID, Route> inner) {
    return caller(true, false, c -> {
      if (c.livemode()) {
        throw ApiProblem.notFound("This test-mode call");
      }
      return inner.apply(c.merchantId());
    });
  }

  private Route rejectingApiKeys(Supplier<Route> sessionRoute) {
    return authenticate(false, true, keyCaller -> {
      throw new IllegalStateException("an API key reached a session-only route");
    }, sessionRoute);
  }

  private Route caller(boolean keyAllowed, boolean sessionAllowed, Function<Caller, Route> inner) {
    return authenticate(keyAllowed, sessionAllowed, inner,
        () -> withSession(true, active -> parameterOptional("livemode", mode ->
            inner.apply(new Caller(active.merchantId(), Actor.SESSION, sessionMode(mode))))));
  }

  private Route authenticate(boolean keyAllowed, boolean sessionAllowed, Function<Caller, Route> keyRoute,
      Supplier<Route> sessionRoute) {
    return optionalHeaderValueByName("Authorization", authorization ->
        optionalHeaderValueByName("X-API-Key", xApiKey -> {
          Optional<String> key = bearer(authorization).or(() -> xApiKey.map(String::strip));
          if (authorization.isPresent() && bearer(authorization).isEmpty()) {
            throw ApiProblem.unauthorized("The Authorization header must be 'Bearer <apiKey>'.");
          }
          if (key.isPresent()) {
            if (!keyAllowed) {
              throw ApiProblem.unauthorized("This call needs a dashboard session, not an API key.");
            }
            return onSuccess(apiKeys.authenticate(key.get()), merchant -> {
              MerchantRepository.KeyOwner owner =
                  merchant.orElseThrow(() -> ApiProblem.unauthorized("The API key is not valid."));
              rateLimits.forApiKey(owner.merchantId().toString());
              return keyRoute.apply(new Caller(owner.merchantId(), Actor.API_KEY, owner.livemode()));
            });
          }
          if (!sessionAllowed) {
            throw ApiProblem.unauthorized("This call needs an API key.");
          }
          return sessionRoute.get();
        }));
  }

  /**
   * The session of the {@code jwt} cookie, checked against its server-side row (not revoked, not past
   * its end), with the CSRF double submit on state-changing methods; its token renewed when due.
   */
  private Route withSession(boolean renew, Function<Sessions.Active, Route> inner) {
    return optionalCookie(SessionCookies.JWT, jwt -> {
      if (jwt.isEmpty()) {
        throw ApiProblem.unauthorized("Log in, or send an API key.");
      }
      return onSuccess(sessions.resolve(jwt.get().value()), found -> {
        Sessions.Active session = found.orElseThrow(() -> ApiProblem.unauthorized("Log in, or send an API key."));
        return extractMethod(method -> optionalHeaderValueByName(SessionCookies.CSRF_HEADER, header ->
            optionalCookie(SessionCookies.CSRF, csrfCookie -> {
              if (!isSafe(method)) {
                boolean valid = header.isPresent() && csrfCookie.isPresent()
                    && equal(header.get(), csrfCookie.get().value())
                    && equal(header.get(), session.csrfToken());
                if (!valid) {
                  throw ApiProblem.of(403, "Forbidden",
                      "A state-changing call with the session cookie needs the X-CSRF-Token header.");
                }
              }
              // Both cookies get the new lifetime, or the csrf cookie would expire under a live session.
              Optional<List<HttpHeader>> renewed = renew ? sessions.renewal(session) : Optional.empty();
              return renewed.isPresent()
                  ? respondWithHeaders(renewed.get(), () -> inner.apply(session))
                  : inner.apply(session);
            })));
      });
    });
  }

  /** A session's mode: {@code livemode=false} is test mode; absent or {@code true} is live. */
  private static boolean sessionMode(Optional<String> livemode) {
    return livemode.map(value -> switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ApiProblem.field("livemode", "must be true or false");
    }).orElse(true);
  }

  private static Optional<String> bearer(Optional<String> authorization) {
    return authorization.map(String::strip)
        .filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(a -> a.substring(7).strip());
  }

  private static boolean isSafe(HttpMethod method) {
    return method.equals(HttpMethods.GET) || method.equals(HttpMethods.HEAD) || method.equals(HttpMethods.OPTIONS);
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
