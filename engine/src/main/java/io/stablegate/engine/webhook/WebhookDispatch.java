package io.stablegate.engine.webhook;

import io.stablegate.engine.EngineSettings;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What an invoice's delivery actors need: where each merchant's endpoint is, how to send, the
 * settings. One per node; the couriers of invoices ({@code payment.WebhookDeliveryActor}) and the ping use it.
 *
 * @param publicUrl base of the {@code checkoutUrl} inside the payload's invoice
 * @param askTimeout how long a delivery actor waits for its invoice to answer
 */
public record WebhookDispatch(
    WebhookEndpoints endpoints,
    WebhookSender sender,
    WebhookDeliverySettings settings,
    String publicUrl,
    Duration askTimeout,
    Clock clock) {

  /** The node's dispatch from its config; {@code resolver} is {@link WebhookTargetGuard.HostResolver#system()} outside tests. */
  public static WebhookDispatch create(ActorSystem<?> system, WebhookEndpoints endpoints,
      WebhookTargetGuard.HostResolver resolver, Clock clock) {
    WebhookDeliverySettings settings = WebhookDeliverySettings.fromConfig(system.settings().config());
    WebhookSender sender = new WebhookSender(system, settings,
        new WebhookTargetGuard(settings.production(), resolver), clock);
    return new WebhookDispatch(endpoints, sender, settings, system.settings().config().getString("stablegate.public-url"),
        EngineSettings.fromConfig(system.settings().config()).askTimeout(), clock);
  }

  public static WebhookDispatch create(ActorSystem<?> system, WebhookEndpoints endpoints) {
    return create(system, endpoints, WebhookTargetGuard.HostResolver.system(), Clock.systemUTC());
  }
}
