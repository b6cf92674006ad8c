package io.stablegate.engine.audit;

/** An event that links to the previous event of its entity (see {@link EventHasher}). */
public interface HashChained {

  /** {@link EventHasher#hash} of the previous event of the same entity, or {@link EventHasher#GENESIS}. */
  String prevHash();
}
