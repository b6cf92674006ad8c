package io.stablegate.http;

/**
 * Strings the engine can store and give back faithfully. PostgreSQL's text cannot hold U+0000, and an
 * unpaired UTF-16 surrogate is no Unicode character at all (it has no UTF-8 form, so it cannot be
 * journaled, stored or written as JSON). The API refuses both at the edge ({@link InputGuard},
 * {@link RequestBodies}) so that such a string never reaches an entity, the journal or a read table.
 */
public final class TextRules {
  public static final String MESSAGE = "must not contain U+0000 or an unpaired UTF-16 surrogate";

  private TextRules() {}

  /** Whether {@code text} holds neither U+0000 nor an unpaired surrogate. */
  public static boolean faithful(CharSequence text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c == '\u0000') {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
