package io.stablegate.persistence.merchant;

import io.stablegate.engine.money.Chain;

/** A merchant's receiving wallet on one chain, in canonical form. */
public record Wallet(Chain chain, String address) {}
