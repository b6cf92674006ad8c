package io.stablegate.http.profile;

import io.stablegate.http.ApiPaths;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.http.RequestBodies;
import io.stablegate.http.Responses;
import io.stablegate.http.TextRules;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.persistence.merchant.ProfileRepository;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The shop's public profile: {@code GET /api/v1/profile} (API key or session) and {@code PUT
 * /api/v1/profile} (session) with {@code {displayName}}, the name payers see on the checkout. Any
 * script; surrounding white space is dropped; 1 to 80 characters (Unicode code points); no control
 * characters. Pages show it as text only.
 */
public final class ProfileRoutes extends AllDirectives {
  static final int MAX_LENGTH = 80;

  private final MerchantAuthentication auth;
  private final ProfileRepository profiles;
  private final RequestBodies bodies;
  private final Blocking blocking;

  public ProfileRoutes(MerchantAuthentication auth, ProfileRepository profiles, RequestBodies bodies,
      Blocking blocking) {
    this.auth = auth;
    this.profiles = profiles;
    this.bodies = bodies;
    this.blocking = blocking;
  }

  public Route route() {
    return path(ApiPaths.api("profile"), () -> concat(
        get(() -> auth.merchant(merchantId -> onSuccess(
            blocking.run(() -> profiles.displayName(merchantId).orElse(null)),
            name -> complete(Responses.json(200, body(name)))))),
        put(() -> auth.session(merchantId -> bodies.json(ProfileRequest.class, request -> {
          String name = displayName(request.displayName());
          return onSuccess(blocking.run(() -> {
            if (!profiles.setDisplayName(merchantId, name)) {
              throw ApiProblem.notFound("This merchant");
            }
            return name;
          }), set -> complete(Responses.json(200, body(set))));
        })))));
  }

  /** The name to store: stripped, 1 to 80 code points, printable; 400 naming the field otherwise. */
  static String displayName(String text) {
    if (!TextRules.faithful(text)) {
      throw ApiProblem.field("displayName", TextRules.MESSAGE);
    }
    String name = text.strip();
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > MAX_LENGTH) {
      throw ApiProblem.field("displayName", "must be 1 to " + MAX_LENGTH + " characters");
    }
    if (name.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL)) {
      throw ApiProblem.field("displayName", "must not contain control characters (line breaks, tabs)");
    }
    return name;
  }

  private static Map<String, Object> body(String name) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("displayName", name);
    return body;
  }
}
