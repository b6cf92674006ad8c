package io.stablegate.http.invoices;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceView;
import io.stablegate.engine.money.Amounts;
import io.stablegate.http.ApiPaths;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Json;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.persistence.listing.InvoiceExportRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /api/v1/invoices/export?from=&to=&format=csv|json} (API key or session): the merchant's
 * invoices created in {@code [from, to)}, oldest first, streamed from the database as they are read
 * ({@link InvoiceExportRepository}): memory stays the same for ten invoices or a million. CSV is
 * RFC 4180 (CRLF, quoted where needed, a header row, no byte-order mark; {@code metadata} and
 * {@code payments} as JSON text in one column each); JSON Lines is one invoice object per line, the
 * same object as {@code GET /api/v1/invoices/{id}}. A failure after the first byte can only cut the
 * response short (it is sent chunked, and then ends without its last chunk).
 */
public final class InvoiceExportRoutes extends AllDirectives {
  /** The CSV columns, in order. */
  public static final List<String> COLUMNS = List.of("id", "status", "chain", "token", "amount", "payAmount",
      "amountPaid", "amountDue", "paidLate", "orderId", "description", "metadata", "address", "createdAt",
      "expiresAt", "requiredConfirmations", "checkoutUrl", "redirectUrl", "payments");

  static final ContentType CSV = ContentTypes.create(MediaTypes.TEXT_CSV, HttpCharsets.UTF_8);
  static final ContentType JSON_LINES = ContentTypes.create(
      MediaTypes.applicationWithFixedCharset("x-ndjson", HttpCharsets.UTF_8));
  private static final CSVFormat RFC_4180 = CSVFormat.RFC4180.builder().setNullString("").get();

  private enum Format { CSV, JSON }

  private final MerchantAuthentication auth;
  private final InvoiceExportRepository exports;
  private final int fetchSize;
  private final String publicUrl;

  public InvoiceExportRoutes(MerchantAuthentication auth, InvoiceExportRepository exports, int fetchSize,
      String publicUrl) {
    this.auth = auth;
    this.exports = exports;
    this.fetchSize = fetchSize;
    this.publicUrl = publicUrl;
  }

  public Route route() {
    return path(ApiPaths.api("invoices", "export"), () -> get(() -> auth.modeAware(caller ->
        parameterOptional("from", from -> parameterOptional("to", to -> parameterOptional("format", format -> {
          Instant start = moment("from", from);
          Instant end = moment("to", to);
          if (start.isAfter(end)) {
            throw ApiProblem.field("from", "must not be after to");
          }
          Format chosen = format(format);
          Source<ByteString, ?> rows = exports.stream(caller.merchantId(), caller.livemode(), start, end, fetchSize)
              .map(invoice -> chosen == Format.CSV ? csvRow(invoice) : jsonLine(invoice));
          String name = (caller.livemode() ? "invoices-" : "test-invoices-") + fileStamp(start) + "-" + fileStamp(end);
          HttpResponse response = chosen == Format.CSV
              ? HttpResponse.create()
                  .withEntity(HttpEntities.createChunked(CSV, Source.single(csvHeader()).concat(rows)))
                  .addHeader(RawHeader.create("Content-Disposition", "attachment; filename=\"" + name + ".csv\""))
              : HttpResponse.create()
                  .withEntity(HttpEntities.createChunked(JSON_LINES, rows))
                  .addHeader(RawHeader.create("Content-Disposition", "attachment; filename=\"" + name + ".jsonl\""));
          return complete(response.addHeader(RawHeader.create("Cache-Control", "no-store")));
        }))))));
  }

  /** A UTC date ({@code 2026-12-01}, its midnight) or an RFC 3339 instant ({@code 2026-12-01T10:00:00Z}). */
  public static Instant moment(String name, Optional<String> text) {
    String value = text.orElseThrow(() -> ApiProblem.field(name, "is required: a UTC date (2026-12-01) or an "
        + "RFC 3339 instant (2026-12-01T10:00:00Z)"));
    try {
      if (value.length() == 10) {
        return LocalDate.parse(value, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiProblem.field(name, "must be a UTC date (2026-12-01) or an RFC 3339 instant (2026-12-01T10:00:00Z)");
    }
  }

  private static Format format(Optional<String> text) {
    return switch (text.orElse("csv")) {
      case "csv" -> Format.CSV;
      case "json" -> Format.JSON;
      default -> throw ApiProblem.field("format", "must be csv or json");
    };
  }

  private static String fileStamp(Instant instant) {
    return instant.toString().replace(":", "").replace("-", "").toLowerCase(Locale.ROOT);
  }

  static ByteString csvHeader() {
    return csv(COLUMNS.toArray());
  }

  ByteString csvRow(Invoice invoice) {
    InvoiceView v = InvoiceView.of(invoice, publicUrl);
    return csv(v.id(), v.status(), v.chain(), v.token(), v.amount(), v.payAmount(), v.amountPaid(),
        Amounts.format(invoice.amountDue()), v.paidLate(), v.orderId(), v.description(), v.metadata(), v.address(),
        v.createdAt(), v.expiresAt(), v.requiredConfirmations(), v.checkoutUrl(), v.redirectUrl(), json(v.payments()));
  }

  ByteString jsonLine(Invoice invoice) {
    return ByteString.fromArrayUnsafe(json(InvoiceView.of(invoice, publicUrl)).concat("\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static ByteString csv(Object... values) {
    StringBuilder line = new StringBuilder(256);
    try (CSVPrinter printer = new CSVPrinter(line, RFC_4180)) {
      printer.printRecord(values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteString.fromString(line.toString());
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
