package io.stablegate.http.pages;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkout page's strings, one UTF-8 resource file per {@link CheckoutLanguage} ({@code
 * web/i18n/checkout_<code>.properties}). Every file must have exactly the keys of the English one,
 * and the same {@code {markers}} in each string: loading refuses anything else, so a missing
 * translation stops the node at start, not a payer's page.
 */
public final class CheckoutStrings {
  private static final Pattern MARKER = Pattern.compile("\\{([a-zA-Z]+)}");

  private final Map<CheckoutLanguage, Map<String, String>> strings;

  private CheckoutStrings(Map<CheckoutLanguage, Map<String, String>> strings) {
    this.strings = strings;
  }

  public static CheckoutStrings load() {
    Map<CheckoutLanguage, Map<String, String>> all = new EnumMap<>(CheckoutLanguage.class);
    for (CheckoutLanguage language : CheckoutLanguage.values()) {
      all.put(language, read("web/i18n/checkout_" + language.code() + ".properties"));
    }
    Map<String, String> english = all.get(CheckoutLanguage.EN);
    for (var entry : all.entrySet()) {
      Map<String, String> translated = entry.getValue();
      if (!translated.keySet().equals(english.keySet())) {
        throw new IllegalStateException("checkout_" + entry.getKey().code() + ".properties has other keys than "
            + "checkout_en.properties");
      }
      for (String key : english.keySet()) {
        if (!markers(translated.get(key)).equals(markers(english.get(key)))) {
          throw new IllegalStateException("checkout_" + entry.getKey().code() + ".properties: " + key
              + " must have the markers " + markers(english.get(key)));
        }
      }
    }
    return new CheckoutStrings(all);
  }

  private static Map<String, String> read(String resource) {
    Properties properties = new Properties();
    try (InputStream in = CheckoutStrings.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing " + resource);
      }
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> map = new TreeMap<>();
    properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
    return map;
  }

  private static Set<String> markers(String text) {
    Set<String> found = new java.util.TreeSet<>();
    Matcher m = MARKER.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /** Every string of {@code language}, by key. */
  public Map<String, String> of(CheckoutLanguage language) {
    return strings.get(language);
  }

  /**
   * {@code text} with each {@code {marker}} replaced by its value; {@code escape} escapes the text
   * around the markers (the values are then inserted as given: HTML the caller made safe).
   */
  static String fill(String text, Map<String, String> values, boolean escape) {
    Matcher m = MARKER.matcher(text);
    StringBuilder out = new StringBuilder(text.length() + 64);
    int last = 0;
    while (m.find()) {
      String before = text.substring(last, m.start());
      out.append(escape ? Html.escape(before) : before);
      String value = values.get(m.group(1));
      out.append(value == null ? m.group() : value);
      last = m.end();
    }
    String rest = text.substring(last);
    out.append(escape ? Html.escape(rest) : rest);
    return out.toString();
  }
}
