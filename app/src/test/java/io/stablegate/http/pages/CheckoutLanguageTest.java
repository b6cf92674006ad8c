package io.stablegate.http.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the checkout chooses its language, and that every language's strings are complete and its own. */
class CheckoutLanguageTest {

  private static CheckoutLanguage accept(String header) {
    return CheckoutLanguage.fromAcceptLanguage(Optional.ofNullable(header));
  }

  @Test
  void acceptLanguageIsReadInOrderOfPreferenceOnThePrimaryLanguage() {
    assertThat(accept("pt-BR,pt;q=0.9,en;q=0.8")).isEqualTo(CheckoutLanguage.PT);
    assertThat(accept("fr-FR, de;q=0.9, tr;q=0.5")).isEqualTo(CheckoutLanguage.TR);
    assertThat(accept("en;q=0.2, vi;q=0.9")).isEqualTo(CheckoutLanguage.VI);
    assertThat(accept("zh-TW")).isEqualTo(CheckoutLanguage.ZH);
    assertThat(accept("ES-mx")).isEqualTo(CheckoutLanguage.ES);
    assertThat(accept("ru;q=0, es")).isEqualTo(CheckoutLanguage.ES);
    assertThat(accept("de-DE")).isEqualTo(CheckoutLanguage.EN);
    assertThat(accept("*")).isEqualTo(CheckoutLanguage.EN);
    assertThat(accept("")).isEqualTo(CheckoutLanguage.EN);
    assertThat(accept(null)).isEqualTo(CheckoutLanguage.EN);
    assertThat(accept(";;;q=x,\u0001")).isEqualTo(CheckoutLanguage.EN);
  }

  @Test
  void langNamesACodeExactly() {
    assertThat(CheckoutLanguage.parse("zh")).contains(CheckoutLanguage.ZH);
    assertThat(CheckoutLanguage.parse("ZH")).isEmpty();
    assertThat(CheckoutLanguage.parse("fr")).isEmpty();
    assertThat(CheckoutLanguage.codes()).isEqualTo("en, zh, ru, es, pt, tr, vi");
  }

  @Test
  void everyLanguageHasEveryStringInItsOwnWords() {
    CheckoutStrings strings = CheckoutStrings.load();
    Map<String, String> english = strings.of(CheckoutLanguage.EN);
    Set<String> headings = new HashSet<>();
    for (CheckoutLanguage language : CheckoutLanguage.values()) {
      assertThat(strings.of(language).keySet()).as(language.code()).isEqualTo(english.keySet());
      headings.add(strings.of(language).get("heading"));
      if (language != CheckoutLanguage.EN) {
        long same = english.keySet().stream()
            .filter(k -> english.get(k).equals(strings.of(language).get(k))).count();
        assertThat(same).as(language.code() + ": strings left in English").isLessThanOrEqualTo(3);
      }
    }
    assertThat(headings).hasSize(CheckoutLanguage.values().length);
  }

  @Test
  void markersAreFilledAndTheTextAroundThemEscaped() {
    assertThat(CheckoutStrings.fill("Send <b>{amount}</b> & more", Map.of("amount", "<span>1.5</span>"), true))
        .isEqualTo("Send &lt;b&gt;<span>1.5</span>&lt;/b&gt; &amp; more");
    assertThat(CheckoutStrings.fill("{done} of {required}", Map.of("done", "3", "required", "12"), false))
        .isEqualTo("3 of 12");
  }
}
