package io.stablegate.persistence.merchant;

import java.time.Instant;
import java.util.UUID;

/** A merchant account as stored. {@code passwordHash} is a bcrypt hash; never log this record whole. */
public record Merchant(UUID id, String email, String passwordHash, Instant createdAt) {
  @Override
  public String toString() {
    return "Merchant[id=" + id + "]";
  }
}
