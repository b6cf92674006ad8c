package io.stablegate.http.webhookendpoints;

import io.stablegate.engine.invoice.WebhookEventType;
import io.stablegate.engine.webhook.WebhookPayload;
import io.stablegate.http.ApiPaths;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.http.RequestBodies;
import io.stablegate.http.Responses;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.http.webhooksettings.WebhookSecrets;
import io.stablegate.http.webhooksettings.WebhookUrls;
import io.stablegate.persistence.merchant.WebhookEndpointRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A merchant's further webhook endpoints, besides the default one of {@code PUT /api/v1/webhook}:
 * {@code POST /api/v1/webhook-endpoints} (session) creates one with its own secret (shown this once)
 * and event filter; {@code GET} (both) lists them; {@code DELETE …/{id}}, {@code POST …/{id}/rotate-secret}
 * and {@code POST …/{id}/enable} (session) delete, rotate (the old secret keeps signing for the grace
 * period) and re-enable one that was disabled because it answered 410 Gone. See docs/webhooks.md.
 */
public final class WebhookEndpointRoutes extends AllDirectives {
  /** The webhook types an endpoint may subscribe to, by wire name. */
  static final Set<String> TYPES = Stream.concat(
          Arrays.stream(WebhookEventType.values()).map(WebhookEventType::wireName), Stream.of(WebhookPayload.PING))
      .collect(Collectors.toCollection(LinkedHashSet::new));

  private final MerchantAuthentication auth;
  private final WebhookEndpointRepository endpoints;
  private final RequestBodies bodies;
  private final Blocking blocking;
  private final WebhookUrls urls;
  private final Duration grace;
  private final Clock clock;

  public WebhookEndpointRoutes(MerchantAuthentication auth, WebhookEndpointRepository endpoints, RequestBodies bodies,
      Blocking blocking, WebhookUrls urls, Duration grace, Clock clock) {
    this.auth = auth;
    this.endpoints = endpoints;
    this.bodies = bodies;
    this.blocking = blocking;
    this.urls = urls;
    this.grace = grace;
    this.clock = clock;
  }

  public Route route() {
    String actor = MerchantAuthentication.Actor.SESSION.label();
    return concat(
        path(ApiPaths.api("webhook-endpoints"), () -> concat(
            post(() -> auth.confirmedSession(merchantId -> bodies.json(WebhookEndpointRequest.class, request -> {
              String url = urls.check(request.url());
              List<String> events = events(request.events());
              String secret = WebhookSecrets.generate();
              return onSuccess(blocking.run(() -> {
                urls.checkTarget(url);
                return endpoints.create(merchantId, url, events, secret, actor);
              }),
                  created -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("id", created.id());
                    body.put("url", created.url());
                    body.put("events", created.events());
                    body.put("secret", secret);
                    body.put("createdAt", created.createdAt());
                    return complete(Responses.json(201, body));
                  });
            }))),
            get(() -> auth.merchant(merchantId -> onSuccess(blocking.run(() -> endpoints.list(merchantId)),
                list -> complete(Responses.json(200, Map.of("items", list.stream().map(WebhookEndpointRoutes::view)
                    .toList())))))))),
        path(PathMatchers.segment("api").slash("v1").slash("webhook-endpoints").slash(PathMatchers.uuidSegment()),
            id -> delete(() -> auth.confirmedSession(merchantId -> onSuccess(blocking.run(() -> {
              if (!endpoints.delete(merchantId, id, actor)) {
                throw notFound(id);
              }
              return id;
            }), deleted -> complete(Responses.noContent()))))),
        path(PathMatchers.segment("api").slash("v1").slash("webhook-endpoints").slash(PathMatchers.uuidSegment())
            .slash("rotate-secret"), id -> post(() -> auth.confirmedSession(merchantId -> {
              String secret = WebhookSecrets.generate();
              return onSuccess(blocking.run(() -> {
                if (!endpoints.rotateSecret(merchantId, id, secret, clock.instant().plus(grace), actor)) {
                  throw notFound(id);
                }
                return secret;
              }), rotated -> complete(Responses.json(200, Map.of("secret", rotated))));
            }))),
        path(PathMatchers.segment("api").slash("v1").slash("webhook-endpoints").slash(PathMatchers.uuidSegment())
            .slash("enable"), id -> post(() -> auth.confirmedSession(merchantId -> onSuccess(blocking.run(() -> {
              if (!endpoints.enable(merchantId, id)) {
                throw notFound(id);
              }
              return endpoints.list(merchantId).stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
            }), enabled -> complete(Responses.json(200, view(enabled))))))));
  }

  /** The filter as given, checked: known webhook types, or {@code *} alone; duplicates dropped. */
  static List<String> events(List<String> requested) {
    List<String> events = new ArrayList<>(new LinkedHashSet<>(requested));
    if (events.contains(null)) {
      throw ApiProblem.field("events", "must not contain null");
    }
    if (events.contains(WebhookEndpointRepository.ALL)) {
      if (events.size() > 1) {
        throw ApiProblem.field("events", "\"*\" stands for every type and must be alone");
      }
      return events;
    }
    for (String type : events) {
      if (!TYPES.contains(type)) {
        throw ApiProblem.field("events", "unknown webhook type \"" + type + "\"; known: " + String.join(", ", TYPES)
            + ", or \"*\"");
      }
    }
    return events;
  }


  private static Map<String, Object> view(WebhookEndpointRepository.Endpoint e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", e.id());
    body.put("url", e.url());
    body.put("events", e.events());
    body.put("createdAt", e.createdAt());
    body.put("disabled", e.disabledAt().isPresent());
    body.put("disabledAt", e.disabledAt().orElse(null));
    body.put("disabledReason", e.disabledReason().orElse(null));
    return body;
  }

  private static ApiProblem notFound(UUID id) {
    return ApiProblem.of(404, "Not found", "No webhook endpoint " + id + ".");
  }
}
