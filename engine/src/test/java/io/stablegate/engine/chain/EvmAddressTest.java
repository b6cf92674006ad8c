package io.stablegate.engine.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EvmAddressTest {

  /** The test vectors of EIP-55. */
  @ParameterizedTest
  @ValueSource(strings = {
      "0x52908400098527886E0F7030069857D2E4169EE7",
      "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
      "0xde709f2102306220921060314715629080e2fb77",
      "0x27b1fdb04752bbc536007a920d24acb045561c26",
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
      "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
      "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"})
  void acceptsTheEip55VectorsAsCanonical(String vector) {
    assertThat(EvmAddress.parse(vector).value()).isEqualTo(vector);
    assertThat(new EvmAddress(vector).value()).isEqualTo(vector);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
      "0x52908400098527886E0F7030069857D2E4169EE7",
      "0xde709f2102306220921060314715629080e2fb77"})
  void acceptsOneCaseInputAndCanonicalisesIt(String canonical) {
    String hex = canonical.substring(2);
    assertThat(EvmAddress.parse("0x" + hex.toLowerCase(Locale.ROOT)).value()).isEqualTo(canonical);
    assertThat(EvmAddress.parse("0x" + hex.toUpperCase(Locale.ROOT)).value()).isEqualTo(canonical);
  }

  @Test
  void canonicalisesTheMainnetUsdtContracts() {
    assertThat(EvmAddress.parse("0xdac17f958d2ee523a2206206994597c13d831ec7").value())
        .isEqualTo("0xdAC17F958D2ee523a2206206994597C13D831ec7");
    assertThat(EvmAddress.parse("0x55d398326f99059ff775485246999027b3197955").value())
        .isEqualTo("0x55d398326f99059fF775485246999027B3197955");
  }

  @Test
  void refusesABrokenChecksum() {
    // One letter of a valid mixed-case address flipped to the other case.
    assertThatThrownBy(() -> EvmAddress.parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"))
        .isInstanceOf(InvalidAddressException.class)
        .hasMessageContaining("EIP-55");
    assertThatThrownBy(() -> EvmAddress.parse("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"))
        .isInstanceOf(InvalidAddressException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA",
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00",
      "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",
      " 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      ""})
  void refusesTheWrongShape(String text) {
    assertThatThrownBy(() -> EvmAddress.parse(text)).isInstanceOf(InvalidAddressException.class);
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> EvmAddress.parse(null)).isInstanceOf(InvalidAddressException.class);
  }

  @Test
  void theConstructorAcceptsOnlyTheCanonicalForm() {
    assertThatThrownBy(() -> new EvmAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"))
        .isInstanceOf(InvalidAddressException.class);
  }

  @Test
  void readsTheAddressFromALogTopicOrTwentyBytes() {
    byte[] twenty = HexFormat.of().parseHex("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    byte[] topic = new byte[32];
    System.arraycopy(twenty, 0, topic, 12, 20);
    assertThat(EvmAddress.fromBytes(twenty).value()).isEqualTo("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    assertThat(EvmAddress.fromBytes(topic)).isEqualTo(EvmAddress.fromBytes(twenty));
    assertThat(EvmAddress.fromBytes(twenty).lowerCase()).isEqualTo("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
  }
}
