package io.stablegate.http.wallets;

import io.stablegate.engine.chain.ChainAddress;
import io.stablegate.engine.chain.InvalidAddressException;
import io.stablegate.engine.money.Chain;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Blocking;
import io.stablegate.http.RequestBodies;
import io.stablegate.http.Responses;
import io.stablegate.http.security.MerchantAuthentication;
import io.stablegate.persistence.merchant.DuplicateException;
import io.stablegate.persistence.merchant.MerchantChanges;
import io.stablegate.persistence.merchant.Wallet;
import io.stablegate.persistence.merchant.WalletRepository;
import java.util.Arrays;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code PUT|DELETE /api/v1/wallets/{chain}} (session): the address is validated for its chain
 * (Tron base58check, EVM EIP-55 where mixed case) and stored canonical; an address belongs to one
 * merchant only (409); every change is recorded for audit and announced to the chain watchers.
 */
public final class WalletRoutes extends AllDirectives {
  private final MerchantAuthentication auth;
  private final WalletRepository wallets;
  private final MerchantChanges changes;
  private final RequestBodies bodies;
  private final Blocking blocking;

  public WalletRoutes(MerchantAuthentication auth, WalletRepository wallets, MerchantChanges changes,
      RequestBodies bodies, Blocking blocking) {
    this.auth = auth;
    this.wallets = wallets;
    this.changes = changes;
    this.bodies = bodies;
    this.blocking = blocking;
  }

  public Route route() {
    return path(PathMatchers.segment("api").slash("v1").slash("wallets").slash(PathMatchers.segment()),
        chainName -> concat(
            put(() -> auth.confirmedSession(merchantId -> bodies.json(WalletRequest.class, request -> {
              Chain chain = parseChain(chainName);
              String canonical;
              try {
                canonical = ChainAddress.parse(chain, request.address().strip()).value();
              } catch (InvalidAddressException e) {
                throw ApiProblem.field("address", e.getMessage());
              }
              return onSuccess(blocking.run(() -> {
                try {
                  if (wallets.set(merchantId, chain, canonical, MerchantAuthentication.Actor.SESSION.label())) {
                    changes.publish(new MerchantChanges.WalletsChanged(chain));
                  }
                  return new Wallet(chain, canonical);
                } catch (DuplicateException e) {
                  throw ApiProblem.of(409, "Conflict", "This address is registered by another merchant.");
                }
              }), wallet -> complete(Responses.json(200, wallet)));
            }))),
            delete(() -> auth.confirmedSession(merchantId -> {
              Chain chain = parseChain(chainName);
              return onSuccess(blocking.run(() -> {
                if (wallets.remove(merchantId, chain, MerchantAuthentication.Actor.SESSION.label())) {
                  changes.publish(new MerchantChanges.WalletsChanged(chain));
                }
                return chain;
              }), removed -> complete(Responses.noContent()));
            }))));
  }

  static Chain parseChain(String name) {
    return Chain.parse(name).orElseThrow(() -> ApiProblem.field("chain",
        "must be one of " + Arrays.toString(Chain.values())));
  }
}
