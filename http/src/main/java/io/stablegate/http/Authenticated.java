package io.stablegate.http;

import java.util.UUID;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Authenticates a merchant call (an API key, or the session cookie with the CSRF header on
 * state-changing methods) and hands the merchant's id to the inner route; answers 401 otherwise.
 */
@FunctionalInterface
public interface Authenticated {
  Route merchant(Function<UUID, Route> inner);
}
