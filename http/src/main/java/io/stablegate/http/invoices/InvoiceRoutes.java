package io.stablegate.http.invoices;

import io.stablegate.engine.Failures;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceView;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.http.ApiPaths;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.ApiSettings;
import io.stablegate.http.Blocking;
import io.stablegate.http.ErrorHandling;
import io.stablegate.http.RequestBodies;
import io.stablegate.http.Responses;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.persistence.listing.InvoiceListRepository;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * The merchant's invoices: create (API key, with Idempotency-Key), get, list (from the read table),
 * cancel, events. Another merchant's invoice is 404, never 403: its existence is not confirmed. Live
 * and test invoices are apart: a caller in one mode (the live or the test API key, a session's
 * {@code livemode}) neither lists nor reaches the other mode's invoices (404).
 */
public final class InvoiceRoutes extends AllDirectives {
  private final MerchantAuthentication auth;
  private final InvoiceService invoices;
  private final InvoiceCreation creation;
  private final InvoiceListRepository list;
  private final InvoiceEvents events;
  private final RequestBodies bodies;
  private final Blocking blocking;
  private final ApiSettings settings;

  public InvoiceRoutes(MerchantAuthentication auth, InvoiceService invoices, InvoiceCreation creation,
      InvoiceListRepository list, InvoiceEvents events, RequestBodies bodies, Blocking blocking, ApiSettings settings) {
    this.auth = auth;
    this.invoices = invoices;
    this.creation = creation;
    this.list = list;
    this.events = events;
    this.bodies = bodies;
    this.blocking = blocking;
    this.settings = settings;
  }

  public Route route() {
    return concat(
        path(ApiPaths.api("invoices"), () -> concat(
            post(this::create),
            get(this::list))),
        path(PathMatchers.segment("api").slash("v1").slash("invoices").slash(PathMatchers.uuidSegment()),
            id -> get(() -> auth.modeAware(caller -> onSuccess(owned(caller, id),
                invoice -> complete(Responses.json(200, view(invoice))))))),
        path(PathMatchers.segment("api").slash("v1").slash("invoices").slash(PathMatchers.uuidSegment())
                .slash("cancel"),
            id -> post(() -> auth.modeAware(caller -> onSuccess(cancel(caller, id),
                invoice -> complete(Responses.json(200, view(invoice))))))),
        path(PathMatchers.segment("api").slash("v1").slash("invoices").slash(PathMatchers.uuidSegment())
                .slash("events"),
            id -> get(() -> auth.modeAware(caller -> onSuccess(
                owned(caller, id).thenCompose(invoice -> events.of(id)),
                journal -> complete(Responses.json(200, journal)))))));
  }

  private Route create() {
    return auth.modeAware(caller -> optionalHeaderValueByName("Idempotency-Key", key -> {
      Optional<String> idempotencyKey = key.map(InvoiceRequests::checkIdempotencyKey);
      return bodies.json(CreateInvoiceRequest.class, request -> {
        InvoiceRequests.ValidRequest valid = InvoiceRequests.check(request, settings.defaultExpiresInMinutes(),
            settings.production());
        return onSuccess(creation.create(caller.merchantId(), caller.livemode(), valid, idempotencyKey),
            body -> complete(Responses.rawJson(201, body)));
      });
    }));
  }

  private Route list() {
    return auth.modeAware(caller -> parameterOptional("status", status -> parameterOptional("orderId", orderId ->
        parameterOptional("limit", limit -> parameterOptional("cursor", cursor -> {
          Optional<InvoiceStatus> statusFilter = status.map(InvoiceRoutes::parseStatus);
          orderId.filter(o -> o.length() > 128).ifPresent(o -> {
            throw ApiProblem.field("orderId", "must be at most 128 characters");
          });
          int pageSize = Cursors.limit(limit, settings.defaultPageSize(), settings.maxPageSize());
          Optional<InvoiceListRepository.Cursor> after = cursor.map(c -> {
            List<String> fields = Cursors.decode(c, 2);
            try {
              return new InvoiceListRepository.Cursor(Cursors.instant(fields.get(0)), UUID.fromString(fields.get(1)));
            } catch (IllegalArgumentException e) {
              throw ApiProblem.field("cursor", "is not a cursor this API gave out");
            }
          });
          return onSuccess(blocking.run(() -> list.list(caller.merchantId(), caller.livemode(), statusFilter, orderId,
              pageSize, after)), page -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", page.items().stream().map(this::view).toList());
            body.put("nextCursor", page.next()
                .map(n -> Cursors.encode(List.of(n.createdAt().toString(), n.id().toString()))).orElse(null));
            return complete(Responses.json(200, body));
          });
        })))));
  }

  /**
   * The invoice if it is the caller's merchant's and of the caller's mode; 404 otherwise, whether it
   * exists or not.
   */
  private CompletionStage<Invoice> owned(MerchantAuthentication.Caller caller, UUID invoiceId) {
    return invoices.get(invoiceId).handle((invoice, error) -> {
      if (error != null) {
        if (Failures.cause(error) instanceof StatusReply.ErrorMessage) {
          throw ApiProblem.notFound("This invoice");
        }
        throw ErrorHandling.toProblem(error);
      }
      if (!invoice.merchantId().equals(caller.merchantId()) || invoice.livemode() != caller.livemode()) {
        throw ApiProblem.notFound("This invoice");
      }
      return invoice;
    });
  }

  private CompletionStage<Invoice> cancel(MerchantAuthentication.Caller caller, UUID invoiceId) {
    return owned(caller, invoiceId).thenCompose(invoice -> {
      if (invoice.status() != InvoiceStatus.PENDING) {
        throw ApiProblem.of(409, "Conflict", "Only a PENDING invoice can be cancelled; this one is "
            + invoice.status() + ".");
      }
      return invoices.cancel(invoiceId);
    });
  }

  private InvoiceView view(Invoice invoice) {
    return InvoiceView.of(invoice, settings.publicUrl());
  }

  private static InvoiceStatus parseStatus(String text) {
    try {
      return InvoiceStatus.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.field("status", "must be one of " + Arrays.toString(InvoiceStatus.values()));
    }
  }
}
