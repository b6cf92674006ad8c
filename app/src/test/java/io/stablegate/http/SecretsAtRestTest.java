package io.stablegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.testing.Invoices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * After merchants register, log in, rotate keys, set webhooks, rotate secrets and create invoices,
 * no API key, password or webhook secret is found in clear in any column of any table (every row as
 * text, so bytea shows as hex and the search covers hex encodings too) or in the captured log.
 */
class SecretsAtRestTest {

  @Test
  void noSecretIsStoredOrLoggedInClear() throws Exception {
    List<String> secrets = new ArrayList<>();
    List<String> tableTexts = new ArrayList<>();
    String lastKey = null;
    try (ApiTestServer server = new ApiTestServer()) {
      for (int i = 0; i < 3; i++) {
        ApiClient client = server.client();
        String email = "secret-" + UUID.randomUUID() + "@example.com";
        String password = "never store me " + UUID.randomUUID();
        secrets.add(password);
        var registered = client.send("POST", "/api/v1/auth/register", Map.of("email", email, "password", password), Map.of());
        client.apiKey(registered.json().get("apiKey").asText());
        secrets.add(client.apiKey());
        client.send("POST", "/api/v1/auth/login", Map.of("email", email, "password", password), Map.of());
        client.send("POST", "/api/v1/auth/login", Map.of("email", email, "password", password + "x"), Map.of());
        String rotated = client.withSession("POST", "/api/v1/api-keys/rotate", null).json().get("apiKey").asText();
        secrets.add(rotated);
        lastKey = rotated;
        client.apiKey(rotated);
        String secret = client.withSession("PUT", "/api/v1/webhook", Map.of("url", "https://hooks.example.com/" + i))
            .json().get("secret").asText();
        secrets.add(secret);
        secrets.add(client.withSession("POST", "/api/v1/webhook/rotate-secret", null).json().get("secret").asText());
        // a further webhook endpoint: its own secret, and its rotation
        var endpoint = client.withSession("POST", "/api/v1/webhook-endpoints",
            Map.of("url", "https://hooks.example.com/paid/" + i, "events", List.of("invoice.paid"))).json();
        secrets.add(endpoint.get("secret").asText());
        secrets.add(client.withSession("POST", "/api/v1/webhook-endpoints/" + endpoint.get("id").asText()
            + "/rotate-secret", null).json().get("secret").asText());
        client.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", Invoices.randomEvmWallet()));
        assertThat(client.withKey("POST", "/api/v1/invoices", Map.of("amount", "1", "chain", "ETHEREUM")).status())
            .isEqualTo(201);
        client.withKey("GET", "/api/v1/me", null);
      }
      try (Connection c = server.dataSource().getConnection(); Statement st = c.createStatement()) {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
          while (rs.next()) {
            tables.add(rs.getString(1));
          }
        }
        assertThat(tables).contains("merchants", "merchant_webhooks", "event_journal", "settings_changes");
        for (String table : tables) {
          StringBuilder text = new StringBuilder(table).append(':');
          try (ResultSet rs = st.executeQuery("SELECT t::text FROM \"" + table + "\" t")) {
            while (rs.next()) {
              text.append(rs.getString(1)).append('\n');
            }
          }
          tableTexts.add(text.toString());
        }
      }
    }
    // The scan does see the data: the current keys' hashes are there, as they should be.
    assertThat(String.join("", tableTexts)).contains(io.stablegate.http.security.ApiKeys.hash(lastKey));
    String log = Files.readString(Path.of("target", "test.log"));
    assertThat(log).isNotEmpty();
    for (String secret : secrets) {
      List<String> forms = forms(secret);
      for (String table : tableTexts) {
        for (String form : forms) {
          assertThat(table).as("a secret in table %s", table.substring(0, table.indexOf(':'))).doesNotContain(form);
        }
      }
      for (String form : forms) {
        assertThat(log).as("a secret in the log").doesNotContain(form);
      }
    }
  }

  /** The secret, its value part, and their hex encodings (as bytea columns print). */
  private static List<String> forms(String secret) {
    List<String> forms = new ArrayList<>();
    forms.add(secret);
    if (secret.startsWith("whsec_")) {
      forms.add(secret.substring("whsec_".length()));
    }
    for (String f : List.copyOf(forms)) {
      forms.add(HexFormat.of().formatHex(f.getBytes(StandardCharsets.UTF_8)));
    }
    return forms;
  }
}
