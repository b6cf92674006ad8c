package io.stablegate.http.security;

import java.util.List;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.model.headers.SetCookie;

/**
 * The session's cookies: {@code jwt} ({@code HttpOnly; SameSite=Strict; Path=/}, {@code Secure} over
 * HTTPS and in production) and {@code csrf} (readable by the dashboard's script, which echoes it in
 * {@code X-CSRF-Token}).
 */
public final class SessionCookies {
  public static final String JWT = "jwt";
  public static final String CSRF = "csrf";
  public static final String CSRF_HEADER = "X-CSRF-Token";

  private final boolean secure;
  private final long maxAgeSeconds;

  public SessionCookies(boolean secure, long maxAgeSeconds) {
    this.secure = secure;
    this.maxAgeSeconds = maxAgeSeconds;
  }

  public SetCookie jwt(String token) {
    return SetCookie.create(cookie(JWT, token, true).withMaxAge(maxAgeSeconds));
  }

  public SetCookie csrf(String token) {
    return SetCookie.create(cookie(CSRF, token, false).withMaxAge(maxAgeSeconds));
  }

  /** Both cookies, expired: what logout sends. */
  public List<SetCookie> cleared() {
    return List.of(SetCookie.create(cookie(JWT, "", true).withMaxAge(0)),
        SetCookie.create(cookie(CSRF, "", false).withMaxAge(0)));
  }

  private HttpCookie cookie(String name, String value, boolean httpOnly) {
    return HttpCookie.create(name, value).withPath("/").withHttpOnly(httpOnly).withSecure(secure)
        .withSameSite(SameSite.Strict);
  }
}
