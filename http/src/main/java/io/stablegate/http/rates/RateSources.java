package io.stablegate.http.rates;

import io.stablegate.engine.rates.FixedRates;
import io.stablegate.engine.rates.RateProvider;
import io.stablegate.engine.rates.RateSource;
import io.stablegate.engine.rates.RatesSettings;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Builds the node's {@link RateSource} from {@code stablegate.rates} and starts its background
 * refresh. A new provider is one {@link RateProvider} class plus one case here.
 */
public final class RateSources {

  private RateSources() {}

  /** The provider that {@code stablegate.rates.source} names; an unknown name stops the node. */
  public static RateProvider provider(RatesSettings settings) {
    return switch (settings.source()) {
      case CoinbaseRates.NAME -> new CoinbaseRates(settings.url(), settings.timeout());
      case FixedRates.NAME -> FixedRates.parse(settings.fixed());
      default -> throw new IllegalArgumentException("STABLEGATE_RATES_SOURCE must be coinbase or fixed, not \""
          + settings.source() + "\"");
    };
  }

  /** The rate source, refreshing on {@code blocking} every {@code stablegate.rates.refresh}. */
  public static RateSource start(ActorSystem<?> system, Executor blocking, Clock clock) {
    RatesSettings settings = RatesSettings.fromConfig(system.settings().config());
    RateSource rates = new RateSource(provider(settings), settings, clock);
    rates.start(system.scheduler(), blocking);
    return rates;
  }
}
