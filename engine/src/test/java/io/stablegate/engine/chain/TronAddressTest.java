package io.stablegate.engine.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stablegate.engine.money.Chain;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TronAddressTest {
  private static final String USDT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
  private static final String USDT_HEX = "41a614f803b6fd780986a42c78ec9c7f77e6ded13c";

  @Test
  void decodesTheUsdtContractToItsHexForm() {
    TronAddress address = TronAddress.parse(USDT);
    assertThat(address.value()).isEqualTo(USDT);
    assertThat(address.toHex()).isEqualTo(USDT_HEX);
    assertThat(address.toBytes21()).isEqualTo(HexFormat.of().parseHex(USDT_HEX));
    assertThat(ChainAddress.parse(Chain.TRON, USDT)).isEqualTo(address);
  }

  @Test
  void encodesTheTwentyOneByteForm() {
    assertThat(TronAddress.fromBytes(HexFormat.of().parseHex(USDT_HEX)).value()).isEqualTo(USDT);
  }

  @Test
  void encodesTheTwentyByteFormOfVmLogs() {
    byte[] twenty = HexFormat.of().parseHex(USDT_HEX.substring(2));
    assertThat(twenty).hasSize(20);
    assertThat(TronAddress.fromBytes(twenty).value()).isEqualTo(USDT);
  }

  @Test
  void encodesALeftPaddedLogTopic() {
    byte[] twenty = HexFormat.of().parseHex(USDT_HEX.substring(2));
    byte[] topic = new byte[32];
    System.arraycopy(twenty, 0, topic, 12, 20);
    assertThat(TronAddress.fromBytes(topic).value()).isEqualTo(USDT);
  }

  @Test
  void aChangedCharacterFailsTheChecksum() {
    for (int i = 1; i < USDT.length(); i++) {
      char replacement = USDT.charAt(i) == 'a' ? 'b' : 'a';
      char[] chars = USDT.toCharArray();
      chars[i] = replacement;
      String changed = new String(chars);
      assertThatThrownBy(() -> TronAddress.parse(changed))
          .as("address with character %d changed: %s", i, changed)
          .isInstanceOf(InvalidAddressException.class);
    }
    char[] chars = USDT.toCharArray();
    chars[USDT.length() - 1] = 'u';
    assertThatThrownBy(() -> TronAddress.parse(new String(chars)))
        .isInstanceOf(InvalidAddressException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void refusesTheWrongShape() {
    assertThatThrownBy(() -> TronAddress.parse(null)).isInstanceOf(InvalidAddressException.class);
    assertThatThrownBy(() -> TronAddress.parse(USDT.substring(0, 33))).isInstanceOf(InvalidAddressException.class);
    assertThatThrownBy(() -> TronAddress.parse(USDT + "1")).isInstanceOf(InvalidAddressException.class);
    assertThatThrownBy(() -> TronAddress.parse("0" + USDT.substring(1))).isInstanceOf(InvalidAddressException.class);
    // A valid base58check of 21 bytes whose first byte is not 0x41 is no Tron address.
    byte[] other = HexFormat.of().parseHex(USDT_HEX);
    other[0] = 0x42;
    String wrongPrefix = Base58.encodeCheck(other);
    assertThatThrownBy(() -> new TronAddress(wrongPrefix)).isInstanceOf(InvalidAddressException.class);
  }

  @Test
  void base58RoundTripsLeadingZeros() {
    byte[] payload = new byte[] {0, 0, 1, 2, 3};
    assertThat(Base58.decode(Base58.encode(payload))).isEqualTo(payload);
    assertThat(Base58.decodeCheck(Base58.encodeCheck(payload))).isEqualTo(payload);
    assertThat(Base58.encode(new byte[] {0, 0})).isEqualTo("11");
    assertThat(Arrays.equals(Base58.decode(""), new byte[0])).isTrue();
  }
}
