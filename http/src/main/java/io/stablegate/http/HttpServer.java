package io.stablegate.http;

import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the node's routes on {@code stablegate.http.host:port}; the system stops if the bind fails. */
public final class HttpServer {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, Route route) {
    Config c = system.settings().config().getConfig("stablegate.http");
    String host = c.getString("host");
    int port = c.getInt("port");
    Duration hardDeadline = c.getDuration("shutdown-deadline");
    return Http.get(system).newServerAt(host, port).bind(route).whenComplete((binding, error) -> {
      if (error != null) {
        log.error("Cannot bind HTTP on {}:{}; stopping", host, port, error);
        system.terminate();
        return;
      }
      binding.addToCoordinatedShutdown(hardDeadline, system);
      InetSocketAddress address = binding.localAddress();
      log.info("HTTP listening on http://{}:{}/", address.getHostString(), address.getPort());
    });
  }
}
