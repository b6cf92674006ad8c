package io.stablegate.http.wallets;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of {@code PUT /api/v1/wallets/{chain}}; the address is checked for its chain afterwards. */
public record WalletRequest(@NotBlank @Size(max = 128) String address) {}
