package io.stablegate.http.pages;

import io.stablegate.engine.money.Amounts;
import java.math.BigDecimal;

/**
 * The text of the checkout QR code. On every EVM chain it is an EIP-681 token transfer
 * ({@code ethereum:<token contract>@<chain id>/transfer?address=<wallet>&uint256=<base units>}), so a
 * wallet fills in the token, network, recipient and exact amount; Tron wallets have no such standard and
 * scan the bare address (the amount is shown beside it).
 */
public final class PaymentUri {
  private PaymentUri() {}

  public static String of(PaymentToken token, String address, BigDecimal payAmount) {
    if (!token.chain().isEvm() || token.contract().isEmpty()) {
      return address;
    }
    return "ethereum:" + token.contract() + "@" + token.chainId() + "/transfer?address=" + address
        + "&uint256=" + Amounts.toBaseUnits(payAmount, token.decimals());
  }
}
