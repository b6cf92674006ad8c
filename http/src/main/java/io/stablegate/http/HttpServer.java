package io.stablegate.http;

import com.typesafe.config.Config;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import io.stablegate.http.security.SecurityHeaders;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the node's routes on {@code stablegate.http.host:port}, over HTTPS when a PKCS#12 keystore is
 * configured (and then, if asked, a plain-HTTP port that redirects to HTTPS). The system stops if a
 * bind fails. The returned binding tells the bound port (port 0 picks a free one).
 */
public final class HttpServer {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, Route route) {
    Config c = system.settings().config().getConfig("stablegate.http");
    ApiSettings settings = ApiSettings.fromConfig(system.settings().config());
    String host = c.getString("host");
    int port = c.getInt("port");
    Duration hardDeadline = c.getDuration("shutdown-deadline");
    ParsingErrors.useHeaders(new SecurityHeaders(settings).headers());
    ServerBuilder builder = Http.get(system).newServerAt(host, port);
    if (settings.tls()) {
      builder = builder.enableHttps(ConnectionContext.httpsServer(sslContext(settings)));
    }
    String scheme = settings.tls() ? "https" : "http";
    CompletionStage<ServerBinding> binding = builder.bind(route).whenComplete((bound, error) -> {
      if (error != null) {
        log.error("Cannot bind HTTP on {}:{}; stopping", host, port, error);
        system.terminate();
        return;
      }
      bound.addToCoordinatedShutdown(hardDeadline, system);
      InetSocketAddress address = bound.localAddress();
      log.info("HTTP listening on {}://{}:{}/", scheme, address.getHostString(), address.getPort());
    });
    if (settings.tls() && settings.redirectPort() > 0) {
      binding.thenAccept(bound -> startRedirect(system, host, settings.redirectPort(), bound.localAddress().getPort(),
          hardDeadline));
    }
    return binding;
  }

  /** Plain HTTP that answers every request with a permanent redirect to the same path over HTTPS. */
  private static void startRedirect(ActorSystem<?> system, String host, int redirectPort, int httpsPort,
      Duration hardDeadline) {
    Route redirect = new AllDirectives() {
      Route route() {
        return extractUri(uri -> {
          Uri target = uri.scheme("https").port(httpsPort == 443 ? 0 : httpsPort);
          return redirect(target, StatusCodes.PERMANENT_REDIRECT);
        });
      }
    }.route();
    Http.get(system).newServerAt(host, redirectPort).bind(redirect).whenComplete((bound, error) -> {
      if (error != null) {
        log.error("Cannot bind the HTTP redirect port {}:{}; stopping", host, redirectPort, error);
        system.terminate();
        return;
      }
      bound.addToCoordinatedShutdown(hardDeadline, system);
      log.info("Plain HTTP on port {} redirects to HTTPS", bound.localAddress().getPort());
    });
  }

  private static SSLContext sslContext(ApiSettings settings) {
    try (InputStream in = Files.newInputStream(Path.of(settings.tlsKeystore()))) {
      char[] password = settings.tlsKeystorePassword().toCharArray();
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(in, password);
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(keyStore, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cannot load the TLS keystore STABLEGATE_TLS_KEYSTORE", e);
    }
  }
}
