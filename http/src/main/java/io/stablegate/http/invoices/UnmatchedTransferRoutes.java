package io.stablegate.http.invoices;

import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.invoice.InvoiceView;
import io.stablegate.engine.ledger.UnmatchedTransfer;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.ResolutionRefused;
import io.stablegate.engine.payment.UnmatchedTransferService;
import io.stablegate.http.ApiPaths;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.ApiSettings;
import io.stablegate.http.Blocking;
import io.stablegate.http.RequestBodies;
import io.stablegate.http.Responses;
import io.stablegate.http.payments.AttachRequest;
import io.stablegate.http.payments.DismissRequest;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.persistence.listing.UnmatchedTransferRepository;
import io.stablegate.persistence.merchant.WalletRepository;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Unmatched transfers, final transfers to the merchant's wallets that paid no invoice, and their
 * resolution (docs/payment-resolution.md):
 * <ul>
 *   <li>{@code GET /api/v1/unmatched-transfers?state=open|attached|dismissed&chain=&limit=&cursor=}
 *   <li>{@code POST /api/v1/unmatched-transfers/attach} {@code {chain, txHash, logIndex, invoiceId}} → the invoice
 *   <li>{@code POST /api/v1/unmatched-transfers/dismiss} {@code {chain, txHash, logIndex, note}} → the transfer
 * </ul>
 * Either credential; who resolved a transfer (the merchant, by session or API key) is recorded.
 */
public final class UnmatchedTransferRoutes extends AllDirectives {
  private static final Set<String> STATES = Set.of("open", "attached", "dismissed");
  private static final Pattern EVM_HASH = Pattern.compile("0x[0-9a-fA-F]{64}");
  private static final Pattern TRON_HASH = Pattern.compile("(0x)?[0-9a-fA-F]{64}");

  public record Claim(UUID invoiceId, Instant at) {}

  public record TransferView(String chain, String txHash, int logIndex, String from, String to, String amount,
      long blockNumber, Instant seenAt, String token, String state, List<UUID> candidates, List<Claim> claims,
      UUID invoiceId, Instant resolvedAt, String note) {}

  private final MerchantAuthentication auth;
  private final UnmatchedTransferRepository transfers;
  private final UnmatchedTransferService resolutions;
  private final WalletRepository wallets;
  private final RequestBodies bodies;
  private final Blocking blocking;
  private final ApiSettings settings;

  public UnmatchedTransferRoutes(MerchantAuthentication auth, UnmatchedTransferRepository transfers,
      UnmatchedTransferService resolutions, WalletRepository wallets, RequestBodies bodies, Blocking blocking,
      ApiSettings settings) {
    this.auth = auth;
    this.transfers = transfers;
    this.resolutions = resolutions;
    this.wallets = wallets;
    this.bodies = bodies;
    this.blocking = blocking;
    this.settings = settings;
  }

  public Route route() {
    return concat(
        path(ApiPaths.api("unmatched-transfers"), () -> get(this::list)),
        path(ApiPaths.api("unmatched-transfers", "attach"), () -> post(() -> auth.caller(caller ->
            bodies.json(AttachRequest.class, request -> {
              TransferKey key = key(request.chain(), request.txHash(), request.logIndex());
              UUID invoiceId = uuid(request.invoiceId());
              Attribution by = attribution(caller);
              return onSuccess(wallet(caller.merchantId(), key.chain())
                      .thenCompose(address -> resolutions.attach(by, address, key, invoiceId)),
                  invoice -> complete(Responses.json(200, InvoiceView.of(invoice, settings.publicUrl()))));
            })))),
        path(ApiPaths.api("unmatched-transfers", "dismiss"), () -> post(() -> auth.caller(caller ->
            bodies.json(DismissRequest.class, request -> {
              TransferKey key = key(request.chain(), request.txHash(), request.logIndex());
              Attribution by = attribution(caller);
              return onSuccess(wallet(caller.merchantId(), key.chain())
                      .thenCompose(address -> resolutions.dismiss(by, address, key, request.note())),
                  transfer -> complete(Responses.json(200, view(transfer))));
            })))));
  }

  private Route list() {
    return auth.merchant(merchantId -> parameterOptional("state", state -> parameterOptional("chain", chain ->
        parameterOptional("limit", limit -> parameterOptional("cursor", cursor -> {
          String stateFilter = state.orElse("open");
          if (!STATES.contains(stateFilter)) {
            throw ApiProblem.field("state", "must be one of open, attached, dismissed");
          }
          Optional<Chain> chainFilter = chain.map(UnmatchedTransferRoutes::chain);
          int pageSize = Cursors.limit(limit, settings.defaultPageSize(), settings.maxPageSize());
          Optional<UnmatchedTransferRepository.Cursor> after = cursor.map(c -> {
            List<String> f = Cursors.decode(c, 4);
            try {
              return new UnmatchedTransferRepository.Cursor(Cursors.instant(f.get(0)), f.get(1), f.get(2),
                  Integer.parseInt(f.get(3)));
            } catch (NumberFormatException e) {
              throw ApiProblem.field("cursor", "is not a cursor this API gave out");
            }
          });
          return onSuccess(blocking.run(() -> transfers.list(merchantId, stateFilter, chainFilter, pageSize, after)),
              page -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("items", page.items().stream().map(UnmatchedTransferRoutes::view).toList());
                body.put("nextCursor", page.next().map(n -> Cursors.encode(List.of(n.seenAt().toString(), n.chain(),
                    n.txHash(), Integer.toString(n.logIndex())))).orElse(null));
                return complete(Responses.json(200, body));
              });
        })))));
  }

  /** The merchant's wallet on the chain; without one, no transfer on that chain can be the merchant's. */
  private CompletionStage<String> wallet(UUID merchantId, Chain chain) {
    return blocking.run(() -> wallets.find(merchantId, chain).orElseThrow(() -> new ResolutionRefused(
        ResolutionRefused.Kind.NOT_FOUND, null, "no unmatched transfer of this merchant has that key")));
  }

  private static Attribution attribution(MerchantAuthentication.Caller caller) {
    return new Attribution(caller.merchantId(), caller.actor() == MerchantAuthentication.Actor.API_KEY
        ? Attribution.Via.API_KEY : Attribution.Via.SESSION);
  }

  /** The transfer's key with its hash in the form the watchers store it (lower-case hex). */
  static TransferKey key(String chainName, String txHash, int logIndex) {
    Chain chain = chain(chainName);
    String hash = txHash.strip();
    if (chain == Chain.TRON) {
      if (!TRON_HASH.matcher(hash).matches()) {
        throw ApiProblem.field("txHash", "must be a Tron transaction id: 64 hex digits");
      }
      hash = hash.startsWith("0x") ? hash.substring(2) : hash;
    } else if (!EVM_HASH.matcher(hash).matches()) {
      throw ApiProblem.field("txHash", "must be a transaction hash: 0x and 64 hex digits");
    }
    return new TransferKey(chain, hash.toLowerCase(Locale.ROOT), logIndex);
  }

  private static Chain chain(String name) {
    return Chain.parse(name).orElseThrow(() ->
        ApiProblem.field("chain", "must be one of " + Arrays.toString(Chain.values())));
  }

  private static UUID uuid(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.field("invoiceId", "must be an invoice id (a UUID)");
    }
  }

  private static TransferView view(UnmatchedTransferRepository.UnmatchedTransfer t) {
    return new TransferView(t.chain().name(), t.txHash(), t.logIndex(), t.from(), t.to(), Amounts.format(t.amount()),
        t.blockNumber(), t.seenAt(), t.token(), t.state(), t.candidates(),
        t.claims().stream().map(c -> new Claim(c.invoiceId(), c.at())).toList(), t.invoiceId(), t.resolvedAt(),
        t.note());
  }

  static TransferView view(UnmatchedTransfer u) {
    var t = u.transfer();
    return new TransferView(t.chain().name(), t.txHash(), t.logIndex(), t.from(), t.to(), Amounts.format(t.amount()),
        t.blockNumber(), u.recordedAt(), t.asset().name(), u.state().wireName(), u.candidates(),
        u.claims().stream().map(c -> new Claim(c.invoiceId(), c.at())).toList(), u.invoiceId(), u.resolvedAt(),
        u.note());
  }
}
