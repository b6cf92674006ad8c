package io.stablegate.http.stats;

import com.typesafe.config.Config;
import io.stablegate.engine.money.Amounts;
import io.stablegate.http.ApiPaths;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.http.Responses;
import io.stablegate.http.invoices.InvoiceExportRoutes;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.persistence.stats.StatsRepository;
import io.stablegate.persistence.stats.StatsRepository.Aggregates;
import io.stablegate.persistence.stats.StatsRepository.Granularity;
import io.stablegate.persistence.stats.StatsRepository.Group;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/stats?from=&to=&granularity=day|hour} (API key or session): totals and a series
 * over the merchant's live invoices created in {@code [from, to)} ({@link StatsRepository}). {@code
 * from}/{@code to} are read as the export reads them; every bucket of the range is in the series, empty
 * ones with zeros, so a chart needs no gaps filled. The range is limited per granularity
 * ({@code stablegate.http.stats}).
 */
public final class StatsRoutes extends AllDirectives {

  public record ChainAmount(String chain, String token, String amount) {}

  public record Totals(long created, long paid, long expired, long cancelled, long unmatchedOpen,
      long webhookFailures, List<ChainAmount> paidAmount) {}

  public record Point(Instant at, long created, long paid, List<ChainAmount> paidAmount) {}

  public record Stats(Totals totals, List<Point> series) {}

  private final MerchantAuthentication auth;
  private final StatsRepository stats;
  private final Blocking blocking;
  private final Duration maxHourRange;
  private final Duration maxDayRange;

  public StatsRoutes(MerchantAuthentication auth, StatsRepository stats, Blocking blocking, Config config) {
    this.auth = auth;
    this.stats = stats;
    this.blocking = blocking;
    this.maxHourRange = config.getDuration("stablegate.http.stats.max-hour-range");
    this.maxDayRange = config.getDuration("stablegate.http.stats.max-day-range");
  }

  public Route route() {
    return path(ApiPaths.api("stats"), () -> get(() -> auth.merchant(merchantId ->
        parameterOptional("from", from -> parameterOptional("to", to -> parameterOptional("granularity", g -> {
          Instant start = InvoiceExportRoutes.moment("from", from);
          Instant end = InvoiceExportRoutes.moment("to", to);
          Granularity granularity = granularity(g);
          if (start.isAfter(end)) {
            throw ApiProblem.field("from", "must not be after to");
          }
          Duration limit = granularity == Granularity.HOUR ? maxHourRange : maxDayRange;
          if (Duration.between(start, end).compareTo(limit) > 0) {
            throw ApiProblem.field("granularity", "allows a range of at most " + limit.toDays() + " days at "
                + granularity.name().toLowerCase(java.util.Locale.ROOT)
                + (granularity == Granularity.HOUR ? " granularity; ask for granularity=day" : " granularity"));
          }
          return onSuccess(blocking.run(() -> stats.aggregate(merchantId, start, end, granularity)),
              aggregates -> complete(Responses.json(200, of(aggregates, start, end, granularity))
                  .addHeader(RawHeader.create("Cache-Control", "no-store"))));
        }))))));
  }

  private static Granularity granularity(Optional<String> text) {
    return switch (text.orElse("day")) {
      case "day" -> Granularity.DAY;
      case "hour" -> Granularity.HOUR;
      default -> throw ApiProblem.field("granularity", "must be day or hour");
    };
  }

  /** The answer: totals over every group, one point per bucket of {@code [from, to)}. */
  static Stats of(Aggregates aggregates, Instant from, Instant to, Granularity granularity) {
    ChronoUnit unit = granularity == Granularity.HOUR ? ChronoUnit.HOURS : ChronoUnit.DAYS;
    long created = 0;
    long paid = 0;
    long expired = 0;
    long cancelled = 0;
    Map<String, BigDecimal> paidAmount = new TreeMap<>();
    Map<Instant, long[]> counts = new TreeMap<>();
    Map<Instant, Map<String, BigDecimal>> amounts = new TreeMap<>();
    for (Group group : aggregates.groups()) {
      created += group.count();
      long[] bucket = counts.computeIfAbsent(group.at(), at -> new long[2]);
      bucket[0] += group.count();
      switch (group.status()) {
        case "PAID" -> {
          paid += group.count();
          bucket[1] += group.count();
        }
        case "EXPIRED" -> expired += group.count();
        case "CANCELLED" -> cancelled += group.count();
        default -> { }
      }
      if (group.amountPaid().signum() > 0) {
        String key = group.chain() + " " + group.token();
        paidAmount.merge(key, group.amountPaid(), BigDecimal::add);
        amounts.computeIfAbsent(group.at(), at -> new TreeMap<>()).merge(key, group.amountPaid(), BigDecimal::add);
      }
    }
    List<Point> series = new ArrayList<>();
    if (from.isBefore(to)) {
      for (Instant at = from.truncatedTo(unit); at.isBefore(to); at = at.plus(1, unit)) {
        long[] bucket = counts.getOrDefault(at, new long[2]);
        series.add(new Point(at, bucket[0], bucket[1], amounts(amounts.getOrDefault(at, Map.of()))));
      }
    }
    return new Stats(new Totals(created, paid, expired, cancelled, aggregates.unmatchedOpen(),
        aggregates.webhookFailures(), amounts(paidAmount)), series);
  }

  private static List<ChainAmount> amounts(Map<String, BigDecimal> byChainAndToken) {
    List<ChainAmount> list = new ArrayList<>();
    new TreeMap<>(byChainAndToken).forEach((key, amount) -> {
      String[] parts = key.split(" ", 2);
      list.add(new ChainAmount(parts[0], parts[1], Amounts.format(amount)));
    });
    return list;
  }
}
