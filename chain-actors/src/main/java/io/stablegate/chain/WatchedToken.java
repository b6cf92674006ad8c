package io.stablegate.chain;

import io.stablegate.engine.money.Token;

/**
 * A token a chain client reads: its contract in the chain's canonical form and the decimals read from
 * the contract when the client connected.
 */
public record WatchedToken(Token token, String contract, int decimals) {}
