package io.stablegate.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /api/v1/openapi.json}: the committed OpenAPI 3.1 document of this API. */
public final class OpenApiRoutes extends AllDirectives {
  public static final String RESOURCE = "/openapi.json";

  private final byte[] document;

  public OpenApiRoutes() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the classpath");
      }
      this.document = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Route route() {
    return path(ApiPaths.api("openapi.json"), () -> get(() ->
        complete(HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, document))));
  }
}
