package io.stablegate.app.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through {@code /usr/bin/chromedriver}, both named explicitly so
 * that Selenium Manager never looks for (or downloads) anything. Each browser gets a fresh profile.
 */
public final class Browser implements AutoCloseable {
  public static final Dimension DESKTOP = new Dimension(1280, 900);
  public static final Dimension PHONE = new Dimension(390, 844);

  private static final Path CHROMIUM = Path.of(System.getProperty("stablegate.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("stablegate.chromedriver", "/usr/bin/chromedriver"));

  private final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path screenshots;

  private Browser(ChromeDriver driver, ChromeDriverService service, Path screenshots) {
    this.driver = driver;
    this.service = service;
    this.screenshots = screenshots;
  }

  public static Browser start(Path profile, Path screenshots) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException("The browser tests need Debian's chromium and chromium-driver "
          + "(apt-get install -y chromium chromium-driver): missing " + CHROMIUM + " or " + CHROMEDRIVER);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile.toAbsolutePath(),
        "--window-size=" + DESKTOP.getWidth() + "," + DESKTOP.getHeight(), "--lang=en-GB");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withLogFile(screenshots.resolve("chromedriver.log").toFile())
        .build();
    try {
      Files.createDirectories(screenshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return new Browser(driver, service, screenshots);
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  public WebElement visible(String css) {
    return await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  public <T> T await(Function<? super WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(100)).until(condition);
  }

  public void type(String css, String text) {
    WebElement input = visible(css);
    input.clear();
    input.sendKeys(text);
  }

  /**
   * Clicks the element once it is clickable. An element that a view replaced between being located and being
   * clicked (a list that refreshes itself) is located again.
   */
  public void click(String css) {
    await(driver -> {
      WebElement element = ExpectedConditions.elementToBeClickable(By.cssSelector(css)).apply(driver);
      if (element == null) {
        return null;
      }
      try {
        element.click();
        return true;
      } catch (StaleElementReferenceException replaced) {
        return null;
      }
    });
  }

  public Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  public Object asyncScript(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
  }

  /**
   * A screenshot of the whole page as a browser of the given viewport shows it (phone sizes are
   * emulated as a mobile device), saved as {@code name}.png.
   */
  public Path screenshot(String name, Dimension size) {
    boolean phone = size.getWidth() < 600;
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", size.getWidth(),
        "height", size.getHeight(), "deviceScaleFactor", 1, "mobile", phone));
    try {
      Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
      @SuppressWarnings("unchecked")
      Map<String, Object> content = (Map<String, Object>) metrics.get("cssContentSize");
      // A modal dialog's backdrop covers the viewport only: show such a page as the user sees it.
      boolean modal = Boolean.TRUE.equals(script("return document.querySelector('dialog[open]') !== null"));
      double height = modal ? size.getHeight()
          : Math.max(size.getHeight(), ((Number) content.get("height")).doubleValue());
      Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
          "captureBeyondViewport", true,
          "clip", Map.of("x", 0, "y", 0, "width", size.getWidth(), "height", height, "scale", 1)));
      Path file = screenshots.resolve(name + ".png");
      Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }

  /** Browser console messages so far (CSP violations appear here). */
  public List<String> consoleMessages() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
  }

  public Map<String, String> cookies() {
    return driver.manage().getCookies().stream()
        .collect(java.util.stream.Collectors.toMap(c -> c.getName(), c -> c.getValue()));
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
