package io.stablegate.http.pages;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The languages the checkout page speaks, by the codes of {@code ?lang=}: English, Simplified
 * Chinese, Russian, Spanish, Portuguese, Turkish and Vietnamese. Their strings are in {@code
 * web/i18n/checkout_<code>.properties}.
 */
public enum CheckoutLanguage {
  EN("English"),
  ZH("简体中文"),
  RU("Русский"),
  ES("Español"),
  PT("Português"),
  TR("Türkçe"),
  VI("Tiếng Việt");

  private final String nativeName;

  CheckoutLanguage(String nativeName) {
    this.nativeName = nativeName;
  }

  /** The code of {@code ?lang=} and of {@code <html lang>}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** How numbers and dates are written in the language ({@code zh}: Simplified Chinese, as in China). */
  public Locale locale() {
    return this == ZH ? Locale.SIMPLIFIED_CHINESE : Locale.forLanguageTag(code());
  }

  /** The language's name in itself, as the switcher lists it. */
  public String nativeName() {
    return nativeName;
  }

  /** The codes, as an error message lists them. */
  public static String codes() {
    return String.join(", ", Arrays.stream(values()).map(CheckoutLanguage::code).toList());
  }

  public static Optional<CheckoutLanguage> parse(String code) {
    return Arrays.stream(values()).filter(l -> l.code().equals(code)).findFirst();
  }

  /**
   * The first language of an {@code Accept-Language} header (by its q-values, in order) that the page
   * speaks, matched on the primary subtag ({@code pt-BR} is Portuguese, {@code zh-CN} Chinese); English
   * when none is.
   */
  public static CheckoutLanguage fromAcceptLanguage(Optional<String> header) {
    if (header.isEmpty() || header.get().isBlank()) {
      return EN;
    }
    List<Locale.LanguageRange> ranges;
    try {
      ranges = Locale.LanguageRange.parse(header.get());
    } catch (IllegalArgumentException e) {
      return EN;
    }
    for (Locale.LanguageRange range : ranges) {
      if (range.getWeight() <= 0) {
        continue;
      }
      String primary = range.getRange().split("-", 2)[0];
      Optional<CheckoutLanguage> language = parse(primary);
      if (language.isPresent()) {
        return language.get();
      }
    }
    return EN;
  }
}
