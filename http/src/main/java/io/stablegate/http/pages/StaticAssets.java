package io.stablegate.http.pages;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaTypes;

/**
 * The front end's files, read once from the classpath ({@code web/assets/}, listed in
 * {@code web/assets.txt}: only listed files are served, so no path ever reaches the class loader).
 * They are served under {@code /assets/<version>/}, where the version is a hash of their contents:
 * a browser may keep them forever, and a new build changes every URL at once. The API reference's
 * Swagger UI files come from the {@code org.webjars:swagger-ui} jar and are served the same way.
 */
public final class StaticAssets {
  public record Asset(byte[] bytes, ContentType contentType) {}

  private final Map<String, Asset> files;
  private final String version;

  private StaticAssets(Map<String, Asset> files, String version) {
    this.files = files;
    this.version = version;
  }

  /** The files of the Swagger UI webjar that the API reference page uses. */
  static final java.util.List<String> SWAGGER_UI = java.util.List.of("swagger-ui.css", "swagger-ui-bundle.js");

  public static StaticAssets load() {
    Map<String, Asset> files = new LinkedHashMap<>();
    MessageDigest digest = sha256();
    for (String line : text("web/assets.txt").split("\n")) {
      String name = line.strip();
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      byte[] bytes = bytes("web/assets/" + name);
      digest.update(name.getBytes(StandardCharsets.UTF_8));
      digest.update(bytes);
      files.put(name, new Asset(bytes, contentType(name)));
    }
    // Swagger UI for the API reference at /docs/api, from its webjar on the classpath (no CDN)
    String swaggerUi = "META-INF/resources/webjars/swagger-ui/" + webjarVersion("swagger-ui") + "/";
    for (String name : SWAGGER_UI) {
      byte[] bytes = bytes(swaggerUi + name);
      digest.update(name.getBytes(StandardCharsets.UTF_8));
      digest.update(bytes);
      files.put(name, new Asset(bytes, contentType(name)));
    }
    String version = HexFormat.of().formatHex(digest.digest()).substring(0, 12);
    return new StaticAssets(Map.copyOf(files), version);
  }

  public Optional<Asset> get(String name) {
    return Optional.ofNullable(files.get(name));
  }

  public String version() {
    return version;
  }

  /** The URL path prefix of this build's assets, e.g. {@code /assets/1a2b3c4d5e6f}. */
  public String base() {
    return "/assets/" + version;
  }

  /** A page template from {@code web/}, with {@code {{assets}}} replaced by {@link #base()}. */
  public String page(String name) {
    return text("web/" + name).replace("{{assets}}", base());
  }

  private static ContentType contentType(String name) {
    if (name.endsWith(".js")) {
      return ContentTypes.parse("text/javascript; charset=UTF-8");
    }
    if (name.endsWith(".css")) {
      return ContentTypes.create(MediaTypes.TEXT_CSS, HttpCharsets.UTF_8);
    }
    if (name.endsWith(".svg")) {
      return ContentTypes.create(MediaTypes.IMAGE_SVG_XML);
    }
    if (name.endsWith(".png")) {
      return ContentTypes.create(MediaTypes.IMAGE_PNG);
    }
    return ContentTypes.APPLICATION_OCTET_STREAM;
  }

  /** The version of a webjar of group org.webjars on the classpath, from its pom.properties. */
  private static String webjarVersion(String artifact) {
    java.util.Properties properties = new java.util.Properties();
    try {
      properties.load(new java.io.StringReader(text("META-INF/maven/org.webjars/" + artifact + "/pom.properties")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  static String text(String resource) {
    return new String(bytes(resource), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String resource) {
    try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
