package io.vigil.gateway.simulate;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

/**
 * What {@code vigil simulate} is asked to do, checked once: where the gateway is, which model, how
 * fast (an open loop at {@code ratePerSecond}, or a closed loop of {@code concurrency} requests in
 * flight; exactly one of them is positive), for how long, how the rows are drawn and shifted, and
 * whether their outcomes are returned.
 */
public record Simulation(
    URI url,
    String model,
    double ratePerSecond,
    int concurrency,
    Duration duration,
    long seed,
    double noise,
    String deviceId,
    Duration reportEvery,
    List<Shift> shifts,
    OutcomeFeed outcomes) {

  public static final String DEFAULT_URL = "http://127.0.0.1:8080";
  public static final String DEFAULT_MODEL = "wdbc-malignancy";
  public static final double DEFAULT_RATE_PER_SECOND = 10;
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
  public static final long DEFAULT_SEED = 1;
  public static final double DEFAULT_NOISE = 0.02;
  public static final String DEFAULT_DEVICE_ID = "vigil-simulate";
  public static final Duration DEFAULT_REPORT_EVERY = Duration.ofSeconds(1);

  static final double MAX_RATE_PER_SECOND = 100_000;
  static final int MAX_CONCURRENCY = 1024;
  static final Duration MIN_REPORT_EVERY = Duration.ofMillis(100);

  /** A simulation that returns no outcomes. */
  public Simulation(
      URI url,
      String model,
      double ratePerSecond,
      int concurrency,
      Duration duration,
      long seed,
      double noise,
      String deviceId,
      Duration reportEvery,
      List<Shift> shifts) {
    this(
        url,
        model,
        ratePerSecond,
        concurrency,
        duration,
        seed,
        noise,
        deviceId,
        reportEvery,
        shifts,
        OutcomeFeed.OFF);
  }

  public Simulation {
    shifts = List.copyOf(shifts);
    java.util.Objects.requireNonNull(outcomes, "outcomes");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be empty");
    }
    if ((ratePerSecond > 0) == (concurrency > 0)) {
      throw new IllegalArgumentException(
          "give either a rate (open loop) or a concurrency (closed loop), not both and not none");
    }
    if (ratePerSecond < 0 || ratePerSecond > MAX_RATE_PER_SECOND || Double.isNaN(ratePerSecond)) {
      throw new IllegalArgumentException(
          "rate must be from 0 to "
              + (long) MAX_RATE_PER_SECOND
              + " requests/s, got "
              + ratePerSecond);
    }
    if (concurrency < 0 || concurrency > MAX_CONCURRENCY) {
      throw new IllegalArgumentException(
          "concurrency must be from 1 to " + MAX_CONCURRENCY + ", got " + concurrency);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be > 0, got " + duration);
    }
    if (!(noise >= 0 && noise <= 1)) {
      throw new IllegalArgumentException("noise must be from 0 to 1 (relative), got " + noise);
    }
    if (reportEvery.compareTo(MIN_REPORT_EVERY) < 0) {
      throw new IllegalArgumentException("report-every must be at least 100ms, got " + reportEvery);
    }
    if (deviceId.isBlank() || !deviceId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "device id must be printable ASCII without spaces, got '" + deviceId + "'");
    }
  }

  /** The OIP base of {@code url} (with or without {@code /v2}), ending in a slash. */
  public static URI oipBase(String url) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null
        || uri.getQuery() != null
        || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "'" + url + "' is not an http:// or https:// URL of a gateway, such as " + DEFAULT_URL);
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    path = path.replaceAll("/+$", "");
    if (path.endsWith("/v2")) {
      path = path.substring(0, path.length() - 3);
    }
    return uri.resolve(path + "/");
  }

  boolean openLoop() {
    return ratePerSecond > 0;
  }
}
