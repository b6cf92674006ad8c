package io.stablegate.persistence.merchant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** AES-256-GCM at rest: round trip, fresh nonces, and refusal of altered, moved or foreign ciphertexts. */
class SecretCipherTest {
  private static byte[] key() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  @Test
  void encryptsWithAFreshNonceAndDecryptsForTheSameOwnerOnly() {
    SecretCipher cipher = new SecretCipher(key());
    UUID owner = UUID.randomUUID();
    String secret = "whsec_c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0ISE=";
    byte[] first = cipher.encrypt(secret, owner);
    byte[] second = cipher.encrypt(secret, owner);
    assertThat(first).isNotEqualTo(second);
    assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("whsec_");
    assertThat(cipher.decrypt(first, owner)).isEqualTo(secret);
    assertThatThrownBy(() -> cipher.decrypt(first, UUID.randomUUID())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesAlteredCiphertextsAndOtherKeys() {
    SecretCipher cipher = new SecretCipher(key());
    UUID owner = UUID.randomUUID();
    byte[] sealed = cipher.encrypt("whsec_abc", owner);
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> cipher.decrypt(sealed, owner)).isInstanceOf(IllegalStateException.class);
    byte[] other = new SecretCipher(key()).encrypt("whsec_abc", owner);
    assertThatThrownBy(() -> cipher.decrypt(other, owner)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new SecretCipher(new byte[16])).isInstanceOf(IllegalArgumentException.class);
  }
}
