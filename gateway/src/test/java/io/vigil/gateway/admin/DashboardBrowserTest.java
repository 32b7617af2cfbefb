package io.vigil.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.FaultTools;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.access.LocalOperator;
import io.vigil.gateway.config.MonitoringConfig;
import io.vigil.gateway.install.InstallRequest;
import io.vigil.gateway.install.Installer;
import io.vigil.gateway.simulate.Shift;
import io.vigil.gateway.simulate.Simulation;
import io.vigil.gateway.simulate.Simulator;
import io.vigil.gateway.simulate.TestSplit;
import io.vigil.gateway.update.Releases;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.trust.repo.Repository;
import io.vigil.trust.tuf.DirectorySource;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard end to end, as a person sees it in Debian's headless Chromium (driven by its own
 * chromedriver: nothing is downloaded): a real gateway with the demonstration model, traffic from
 * {@code vigil simulate}'s simulator through a drift episode and into a suspension, and the
 * dashboard showing each step. Screenshots go to {@code target/screenshots/}; the page's weight and
 * load time are printed, and only the weight is held to its budget.
 */
class DashboardBrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  /** The page and its assets, uncompressed: the issue's budget. */
  static final long WEIGHT_BUDGET_BYTES = 100 * 1024;

  static final String MODEL = "wdbc-malignancy";

  /**
   * Windows of 400 rows: two per phase at {@link #RATE}, and large enough that the simulator's
   * plain traffic does not read as drift (windows of 100 rows did, on noise alone).
   */
  static final MonitoringConfig WINDOWS_OF_400_ROWS =
      new MonitoringConfig(true, 400, 200, Duration.ofMinutes(15));

  /** Requests per second from the simulator. */
  static final double RATE = 200;

  /** How long each phase's traffic lasts: two windows at {@link #RATE}. */
  static final Duration PHASE = Duration.ofSeconds(4);

  @TempDir Path dataDir;
  private Gateway gateway;
  private WebDriver browser;

  @BeforeEach
  void aGatewayAndABrowser() {
    FaultTools.require(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    gateway =
        Gateway.start(
            TestGateways.withMonitoring(TestGateways.config(dataDir), WINDOWS_OF_400_ROWS));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,2600");
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void showsTheModelsDriftAndSuspensionUnderSimulatedTraffic() throws Exception {
    String url = "http://127.0.0.1:" + gateway.adminPort() + "/";
    browser.get(url);
    WebElement token = browser.findElement(By.id("token"));
    assertEquals(token, browser.switchTo().activeElement(), "the token field has the focus");
    token.sendKeys(TestGateways.approver(dataDir), Keys.ENTER);
    await(ExpectedConditions.attributeToBe(By.id("main"), "data-loaded", "1"));
    Weight weight = weight();
    System.out.printf(
        "dashboard: %d bytes in %d requests (page and assets), loaded in %.0f ms%n",
        weight.bytes(), weight.requests(), weight.loadMillis());
    assertTrue(
        weight.bytes() < WEIGHT_BUDGET_BYTES,
        "the page and its assets weigh " + weight.bytes() + " bytes");
    assertTrue(weight.bytes() > 50_000, "uPlot alone is 51 kB: " + weight.bytes());
    assertEquals(
        "", String.valueOf(((JavascriptExecutor) browser).executeScript("return location.hash")));

    simulate(List.of());
    awaitText(By.cssSelector(".window-note"), "Window ");
    assertEquals("normal", safetyOf(MODEL));
    assertTrue(
        browser.findElements(By.cssSelector(".model-drift canvas")).size() >= 2,
        "the drift and positive-rate charts are drawn");
    screenshot("normal");

    // A drift episode: one feature scaled by half again.
    simulate(List.of(new Shift(Shift.Kind.SCALE, "fractal_dimension_mean", 1.5, 0)));
    awaitText(By.cssSelector(".drift-table tbody"), "yes");
    String drifting = browser.findElement(By.cssSelector(".drift-table tbody")).getText();
    assertTrue(drifting.contains("fractal_dimension_mean"), drifting);
    // the PSI chart's legend names the features it draws now, the drifting one among them (a
    // chart kept from before the drift once drew new values under the old features' names)
    String legend = browser.findElement(By.cssSelector(".model-drift .psi .u-legend")).getText();
    assertTrue(legend.contains("fractal_dimension_mean"), legend);
    screenshot("drift");

    // Every row malignant: the positive rate doubles and the policy suspends the model.
    simulate(List.of(new Shift(Shift.Kind.PREVALENCE, "", 1.0, 0)));
    awaitText(By.cssSelector("#models tr[data-model='" + MODEL + "'] .safety"), "suspend");
    awaitText(By.id("events"), "safety.changed");
    String events = browser.findElement(By.id("events")).getText();
    assertTrue(events.contains("to=suspend"), events);
    String ledger = browser.findElement(By.id("ledger")).getText();
    assertTrue(ledger.contains("Entries"), ledger);
    assertTrue(ledger.contains("link off"), ledger);
    String traffic = browser.findElement(By.id("traffic")).getText();
    assertTrue(traffic.contains(MODEL), traffic);
    screenshot("suspended");

    List<String> violations =
        browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
            .map(LogEntry::getMessage)
            .collect(Collectors.toList());
    assertFalse(
        violations.stream().anyMatch(m -> m.contains("Content Security Policy")),
        String.join("\n", violations));
  }

  @Test
  void saysWhichRoleIsNeededWhenTheTokenIsRefused() {
    browser.get("http://127.0.0.1:" + gateway.adminPort() + "/#token=not-a-token");
    awaitText(By.id("status"), "401");
    assertEquals(
        "", String.valueOf(((JavascriptExecutor) browser).executeScript("return location.hash")));
    assertTrue(browser.findElement(By.id("token")).isDisplayed(), "back to the sign-in form");
    assertFalse(browser.findElement(By.id("main")).isDisplayed(), "no data shown");
  }

  @Test
  void runsNoInlineScriptUnderItsContentSecurityPolicy() {
    browser.get("http://127.0.0.1:" + gateway.adminPort() + "/");
    // Only the page's own context is checked: what WebDriver evaluates is itself exempt (so eval,
    // which the policy forbids too, cannot be tried from here).
    Object ran =
        ((JavascriptExecutor) browser)
            .executeScript(
                "window.inlineRan = false;"
                    + "var s = document.createElement('script');"
                    + "s.textContent = 'window.inlineRan = true;';"
                    + "document.head.appendChild(s);"
                    + "return window.inlineRan;");
    assertEquals(false, ran, "an inline script ran");
    // The browser reports the refusal where the end-to-end test looks for violations.
    assertTrue(
        browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .anyMatch(e -> e.getMessage().contains("Content Security Policy")),
        "the refused script is in the browser's log");
  }

  @Test
  void approvesAPendingUpdateByKeyboardAndRecordsWhoApproved(@TempDir Path repoDir)
      throws Exception {
    String model = Releases.MODEL;
    Repository repo = TestGateways.repository(repoDir);
    publish(repo, Releases.release(1, -0.1f), TargetCustom.Rollout.AUTOMATIC);
    gateway.install(install(repoDir, Optional.of(Files.readAllBytes(repo.firstRoot()))));
    publish(repo, Releases.release(2, -0.1f), TargetCustom.Rollout.LOCAL_APPROVAL);
    gateway.install(install(repoDir, Optional.empty()));
    // The candidate's shadow run: answers of the active version copied to it, until its rule is
    // met.
    Random random = new Random(11);
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 60 && !stage(model).equals("awaiting-approval"); i++) {
      http.send(
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + gateway.port() + "/v2/models/" + model + "/infer"))
              .POST(HttpRequest.BodyPublishers.ofString(Releases.request(random, 10, 0)))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      gateway.updates().drain();
    }
    assertEquals("awaiting-approval", stage(model));

    // The local operator (`vigil dashboard`'s link) may hold, not approve: the page says so.
    String local = LocalOperator.read(dataDir).orElseThrow();
    browser.get("http://127.0.0.1:" + gateway.adminPort() + "/#token=" + local);
    awaitText(By.id("updates"), model + "@1.0.2");
    tabTo("reason-0").sendKeys("looks fine", Keys.TAB);
    browser.switchTo().activeElement().sendKeys(Keys.ENTER);
    new WebDriverWait(browser, Duration.ofSeconds(5))
        .until(ExpectedConditions.alertIsPresent())
        .accept();
    awaitText(By.id("status"), "Not allowed (403)");
    assertTrue(
        browser.findElement(By.id("status")).getText().contains("needs approver"),
        browser.findElement(By.id("status")).getText());
    assertEquals(1, gateway.models().active(model).manifest().release());
    browser.findElement(By.id("sign-out")).sendKeys(Keys.ENTER);

    browser.switchTo().activeElement().sendKeys(TestGateways.approver(dataDir), Keys.ENTER);
    awaitText(By.id("updates"), model + "@1.0.2");
    WebElement reason = tabTo("reason-0");
    reason.sendKeys("shadow agreement 100% on our traffic", Keys.TAB);
    WebElement approve = browser.switchTo().activeElement();
    assertEquals("Approve " + model + "@1.0.2", approve.getAttribute("aria-label"));
    approve.sendKeys(Keys.ENTER);
    Alert confirm =
        new WebDriverWait(browser, Duration.ofSeconds(5))
            .until(ExpectedConditions.alertIsPresent());
    assertTrue(confirm.getText().contains("Approve " + model + "@1.0.2?"), confirm.getText());
    confirm.accept();

    awaitText(By.id("status"), "recorded, by operator:alice; active version now 1.0.2");
    assertEquals(2, gateway.models().active(model).manifest().release());
    awaitText(By.id("no-updates"), "No update is pending");
  }

  /** Presses Tab from the page's first focus until the element {@code id} has the focus. */
  private WebElement tabTo(String id) {
    for (int i = 0; i < 80; i++) {
      WebElement focused = browser.switchTo().activeElement();
      if (id.equals(focused.getAttribute("id"))) {
        return focused;
      }
      focused.sendKeys(Keys.TAB);
    }
    throw new AssertionError("80 presses of Tab never reached #" + id);
  }

  private String stage(String model) {
    return gateway.models().slots(model).candidate().map(c -> c.stage().jsonName()).orElse("none");
  }

  private static void publish(Repository repo, Bundle bundle, TargetCustom.Rollout rollout) {
    repo.add(
        TargetCustom.targetPath(bundle.manifest()),
        bundle.bytes(),
        TargetCustom.of(bundle.manifest(), rollout, List.of()).toJson());
  }

  private static InstallRequest install(Path repoDir, Optional<byte[]> root) {
    return new InstallRequest(
        Installer.DEFAULT_REPOSITORY,
        DirectorySource.of(repoDir),
        root,
        "operator:test",
        Optional.empty());
  }

  /** The page's bytes (document and assets, not the API's JSON) and its load time. */
  record Weight(long bytes, long requests, double loadMillis) {}

  private Weight weight() {
    @SuppressWarnings("unchecked")
    Map<String, Object> m =
        (Map<String, Object>)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "var nav = performance.getEntriesByType('navigation')[0];"
                        + "var size = function (e) {"
                        + " return Math.max(e.transferSize || 0, e.encodedBodySize || 0); };"
                        + "var assets = performance.getEntriesByType('resource')"
                        + " .filter(function (e) { return e.initiatorType !== 'fetch'; });"
                        + "return { bytes: assets.reduce(function (s, e) { return s + size(e); },"
                        + " size(nav)), requests: assets.length + 1,"
                        + " load: nav.loadEventEnd - nav.startTime };");
    return new Weight(
        ((Number) m.get("bytes")).longValue(),
        ((Number) m.get("requests")).longValue(),
        ((Number) m.get("load")).doubleValue());
  }

  private void simulate(List<Shift> shifts) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Simulator.run(
        new Simulation(
            URI.create("http://127.0.0.1:" + gateway.port() + "/"),
            MODEL,
            RATE,
            0,
            PHASE,
            7,
            Simulation.DEFAULT_NOISE,
            "dashboard-test",
            Duration.ofSeconds(1),
            shifts),
        TestSplit.shipped(),
        new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  private String safetyOf(String model) {
    return browser
        .findElement(By.cssSelector("#models tr[data-model='" + model + "'] .safety"))
        .getText();
  }

  private void awaitText(By where, String text) {
    await(ExpectedConditions.textToBePresentInElementLocated(where, text));
  }

  private <T> void await(org.openqa.selenium.support.ui.ExpectedCondition<T> condition) {
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(condition);
  }

  private void screenshot(String name) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(
        shot.toPath(),
        SCREENSHOTS.resolve(name + ".png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
