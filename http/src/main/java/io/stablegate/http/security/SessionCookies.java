package io.stablegate.http.security;

import java.time.Duration;
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

  public SessionCookies(boolean secure) {
    this.secure = secure;
  }

  /** Both cookies of a session, kept by the browser for {@code maxAge} (the token's remaining life). */
  public List<SetCookie> issued(String token, String csrfToken, Duration maxAge) {
    long seconds = Math.max(1, maxAge.toSeconds());
    return List.of(SetCookie.create(cookie(JWT, token, true).withMaxAge(seconds)),
        SetCookie.create(cookie(CSRF, csrfToken, false).withMaxAge(seconds)));
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
