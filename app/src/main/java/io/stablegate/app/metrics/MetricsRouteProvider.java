package io.stablegate.app.metrics;

import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.ExtensionId;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * Adds {@code GET /metrics} (Prometheus text format) to the management port, which Kubernetes
 * scrapes and the public Service does not expose. Registered in cluster.conf under
 * {@code pekko.management.http.routes}.
 */
public final class MetricsRouteProvider extends AbstractExtensionId<MetricsRouteProvider.MetricsRoute>
    implements ExtensionIdProvider {

  public static final MetricsRouteProvider INSTANCE = new MetricsRouteProvider();

  @Override
  public ExtensionId<MetricsRoute> lookup() {
    return INSTANCE;
  }

  @Override
  public MetricsRoute createExtension(ExtendedActorSystem system) {
    return new MetricsRoute();
  }

  public static final class MetricsRoute extends AllDirectives implements ManagementRouteProvider {
    @Override
    public Route routes(ManagementRouteProviderSettings settings) {
      return path("metrics", () -> get(() ->
          complete(HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, NodeMetrics.scrape()))));
    }
  }
}
