package io.stablegate.persistence.merchant;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (webhook secrets) with AES-256-GCM under the master key
 * ({@code STABLEGATE_MASTER_KEY}, base64 of 32 bytes). A ciphertext is
 * {@code version(1) || nonce(12) || ciphertext+tag}; the owning merchant's id is authenticated as
 * associated data, so a ciphertext copied to another merchant's row does not decrypt.
 */
public final class SecretCipher {
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public SecretCipher(byte[] masterKey) {
    if (masterKey.length != 32) {
      throw new IllegalArgumentException("the master key must be 32 bytes (base64 of 32 random bytes)");
    }
    this.key = new SecretKeySpec(masterKey.clone(), "AES");
  }

  /** From the base64 text of {@code STABLEGATE_MASTER_KEY}. */
  public static SecretCipher fromBase64(String masterKeyBase64) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(masterKeyBase64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("STABLEGATE_MASTER_KEY is not base64");
    }
    return new SecretCipher(bytes);
  }

  public byte[] encrypt(String plaintext, UUID owner) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(owner));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** Decrypts; throws {@link IllegalStateException} if the ciphertext was altered or the key is another. */
  public String decrypt(byte[] ciphertext, UUID owner) {
    if (ciphertext.length < 1 + NONCE_BYTES + TAG_BITS / 8 || ciphertext[0] != VERSION) {
      throw new IllegalStateException("not a secret ciphertext of version " + VERSION);
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 1, NONCE_BYTES));
      cipher.updateAAD(aad(owner));
      byte[] plain = cipher.doFinal(ciphertext, 1 + NONCE_BYTES, ciphertext.length - 1 - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot decrypt a secret: wrong master key or altered ciphertext");
    }
  }

  private static byte[] aad(UUID owner) {
    return ("stablegate:" + owner).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SecretCipher[AES-256-GCM]";
  }
}
