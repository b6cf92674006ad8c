package io.stablegate.http;

import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Refuses, before any route runs, a request whose query parameters or headers hold text the engine
 * cannot carry faithfully ({@link TextRules}): 400 naming the parameter or header. A query that is
 * not valid percent-encoding is 400 naming {@code query}. Request bodies are checked likewise where
 * they are parsed ({@link RequestBodies}).
 */
public final class InputGuard extends AllDirectives {

  public Route check(Supplier<Route> inner) {
    return extractRequest(request -> {
      for (HttpHeader header : request.getHeaders()) {
        if (!TextRules.faithful(header.value())) {
          throw ApiProblem.field(header.name(), TextRules.MESSAGE);
        }
      }
      Query query;
      try {
        query = request.getUri().query();
      } catch (RuntimeException e) {
        throw ApiProblem.field("query", "is not a valid URL query");
      }
      for (Pair<String, String> parameter : query.toList()) {
        if (!TextRules.faithful(parameter.first())) {
          throw ApiProblem.field("query", TextRules.MESSAGE);
        }
        if (!TextRules.faithful(parameter.second())) {
          throw ApiProblem.field(parameter.first(), TextRules.MESSAGE);
        }
      }
      return inner.get();
    });
  }
}
