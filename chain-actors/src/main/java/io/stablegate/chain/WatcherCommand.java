package io.stablegate.chain;

import io.stablegate.engine.serialization.CborSerializable;

/** What a chain watcher is told. */
public sealed interface WatcherCommand extends CborSerializable {

  /** Look at the chain now (timer, or after a cycle that left blocks to scan). */
  enum Poll implements WatcherCommand { INSTANCE }

  /** The merchants' wallets changed: re-read them and scan now. */
  enum RefreshWallets implements WatcherCommand { INSTANCE }

  /** Stop after the current step; the singleton hands over with it. */
  enum Stop implements WatcherCommand { INSTANCE }

  /** A cycle finished: persist what it did. Local only. */
  record CycleDone(ScanResult result, WatcherEvent event) implements WatcherCommand {}

  /** A cycle failed before the engine heard anything it would not hear again. Local only. */
  record CycleFailed(String error) implements WatcherCommand {}
}
