package io.stablegate.http.pages;

import io.stablegate.engine.money.Amounts;
import java.math.BigDecimal;

/**
 * The text of the checkout QR code. On Ethereum and BSC it is an EIP-681 token transfer, so a wallet
 * fills in the token, network, recipient and exact amount in base units; Tron wallets have no such
 * standard and scan the bare address (the amount is shown beside it).
 */
public final class PaymentUri {
  private PaymentUri() {}

  public static String of(PaymentToken token, String address, BigDecimal payAmount) {
    if (!token.chain().isEvm()) {
      return address;
    }
    return "ethereum:" + token.usdtContract() + "@" + token.chainId() + "/transfer?address=" + address
        + "&uint256=" + Amounts.toBaseUnits(payAmount, token.decimals());
  }
}
