package io.stablegate.http;

import org.apache.pekko.http.javadsl.server.PathMatcher0;
import org.apache.pekko.http.javadsl.server.PathMatchers;

/** Paths under {@code /api/v1}. */
public final class ApiPaths {
  private ApiPaths() {}

  /** {@code /api/v1/<first>/<rest…>}. */
  public static PathMatcher0 api(String first, String... rest) {
    PathMatcher0 matcher = PathMatchers.segment("api").slash("v1").slash(first);
    for (String segment : rest) {
      matcher = matcher.slash(segment);
    }
    return matcher;
  }
}
