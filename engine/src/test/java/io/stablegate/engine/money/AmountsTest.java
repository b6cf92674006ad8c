package io.stablegate.engine.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AmountsTest {

  @Test
  void parsesPlainDecimalsAndNormalisesThem() {
    assertThat(Amounts.parse("10.5")).isEqualTo(new BigDecimal("10.5"));
    assertThat(Amounts.parse("10.50")).isEqualTo(new BigDecimal("10.5"));
    assertThat(Amounts.parse("0.000001")).isEqualTo(new BigDecimal("0.000001"));
    assertThat(Amounts.parse("100")).isEqualTo(new BigDecimal("100"));
    assertThat(Amounts.parse("100.00").toPlainString()).isEqualTo("100");
    assertThat(Amounts.parse("0")).isEqualTo(BigDecimal.ZERO);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "1e3", "1E3", "01", " 1", "1 ", "1.", ".5", "+1", "", "1,5", "0x10", "NaN"})
  void refusesAnythingButAPlainDecimal(String text) {
    assertThatThrownBy(() -> Amounts.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> Amounts.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatsPlainWithoutTrailingZeros() {
    assertThat(Amounts.format(new BigDecimal("10.500"))).isEqualTo("10.5");
    assertThat(Amounts.format(new BigDecimal("1E+3"))).isEqualTo("1000");
    assertThat(Amounts.format(new BigDecimal("0.000"))).isEqualTo("0");
    assertThat(Amounts.format(new BigDecimal("0.000000000000000001"))).isEqualTo("0.000000000000000001");
  }

  @Test
  void convertsToBaseUnitsExactly() {
    assertThat(Amounts.toBaseUnits(new BigDecimal("10.5"), 6)).isEqualTo(BigInteger.valueOf(10_500_000));
    assertThat(Amounts.toBaseUnits(new BigDecimal("0.000001"), 6)).isEqualTo(BigInteger.ONE);
    assertThat(Amounts.toBaseUnits(new BigDecimal("10.5003"), 18))
        .isEqualTo(new BigInteger("10500300000000000000"));
    // Trailing zeros beyond the token's decimals lose nothing, so they are fine.
    assertThat(Amounts.toBaseUnits(new BigDecimal("1.00000000"), 6)).isEqualTo(BigInteger.valueOf(1_000_000));
  }

  @Test
  void refusesToRoundWhenConvertingToBaseUnits() {
    assertThatThrownBy(() -> Amounts.toBaseUnits(new BigDecimal("1.0000001"), 6))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("more than 6 decimals");
    assertThatThrownBy(() -> Amounts.toBaseUnits(new BigDecimal("0.0000000000000000001"), 18))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void convertsFromBaseUnitsExactlyForSixAndEighteenDecimals() {
    assertThat(Amounts.fromBaseUnits(BigInteger.valueOf(10_500_300), 6)).isEqualTo(new BigDecimal("10.5003"));
    assertThat(Amounts.fromBaseUnits(BigInteger.ONE, 6)).isEqualTo(new BigDecimal("0.000001"));
    assertThat(Amounts.fromBaseUnits(new BigInteger("10500300000000000000"), 18))
        .isEqualTo(new BigDecimal("10.5003"));
    assertThat(Amounts.fromBaseUnits(BigInteger.ONE, 18).toPlainString()).isEqualTo("0.000000000000000001");
    assertThat(Amounts.fromBaseUnits(new BigInteger("123456789012345678901234567"), 18).toPlainString())
        .isEqualTo("123456789.012345678901234567");
    assertThat(Amounts.fromBaseUnits(BigInteger.ZERO, 18)).isEqualTo(BigDecimal.ZERO);
  }

  @Test
  void roundTripsThroughBaseUnits() {
    for (String text : new String[] {"0.000001", "1", "10.5003", "999999.999999"}) {
      BigDecimal amount = Amounts.parse(text);
      for (int decimals : new int[] {6, 18}) {
        assertThat(Amounts.fromBaseUnits(Amounts.toBaseUnits(amount, decimals), decimals)).isEqualTo(amount);
      }
    }
  }
}
