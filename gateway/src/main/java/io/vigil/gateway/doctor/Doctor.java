package io.vigil.gateway.doctor;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.config.ConfigLoader;
import io.vigil.gateway.config.VigilConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code vigil doctor}: checks an installation (configuration, data directory, keys, trust roots,
 * ports, disk, ledger, clock, native libraries) and says what to fix. It reads and never writes, so
 * it is safe beside a running gateway, as root or as the service's user.
 */
public final class Doctor {

  /** The configuration file of the Debian package. */
  public static final Path INSTALLED_CONFIG = Path.of("/etc/vigil/vigil.yaml");

  /** The data directory the package's systemd unit passes with {@code --data-dir}. */
  public static final Path INSTALLED_DATA_DIR = Path.of("/var/lib/vigil");

  private final Optional<Path> configFile;
  private final Optional<Path> dataDir;
  private final boolean full;
  private final Supplier<ServiceUser> user;
  private final Clock clock;
  private final Supplier<Optional<Boolean>> ntp;

  private Doctor(
      Optional<Path> configFile,
      Optional<Path> dataDir,
      boolean full,
      Supplier<ServiceUser> user,
      Clock clock,
      Supplier<Optional<Boolean>> ntp) {
    this.configFile = configFile;
    this.dataDir = dataDir;
    this.full = full;
    this.user = user;
    this.clock = clock;
    this.ntp = ntp;
  }

  /**
   * The installation on this machine as the service sees it: the package's configuration and data
   * directory when {@link #INSTALLED_CONFIG} exists, else the embedded defaults.
   */
  public static Doctor forThisMachine() {
    return Files.exists(INSTALLED_CONFIG)
        ? forConfig(INSTALLED_CONFIG).withDataDir(INSTALLED_DATA_DIR)
        : forDefaults();
  }

  /** The installation that this configuration file describes. */
  public static Doctor forConfig(Path file) {
    return new Doctor(
        Optional.of(file),
        Optional.empty(),
        false,
        ServiceUser::detect,
        Clock.systemUTC(),
        ClockCheck::systemNtp);
  }

  /** The installation that the embedded defaults describe. */
  public static Doctor forDefaults() {
    return new Doctor(
        Optional.empty(),
        Optional.empty(),
        false,
        ServiceUser::detect,
        Clock.systemUTC(),
        ClockCheck::systemNtp);
  }

  /** The same checks on another data directory (the command line's {@code --data-dir}). */
  public Doctor withDataDir(Path dir) {
    return new Doctor(configFile, Optional.of(dir), full, user, clock, ntp);
  }

  /**
   * Also verifies the whole ledger, which reads every entry (the command line's {@code --full}).
   */
  public Doctor withFullVerify() {
    return new Doctor(configFile, dataDir, true, user, clock, ntp);
  }

  /** The same checks for another service user, for tests that cannot create {@code vigil}. */
  Doctor withUser(ServiceUser u) {
    return new Doctor(configFile, dataDir, full, () -> u, clock, ntp);
  }

  /** The same checks against another clock and NTP state, for tests. */
  Doctor withClock(Clock c, Supplier<Optional<Boolean>> synchronizedNtp) {
    return new Doctor(configFile, dataDir, full, user, c, synchronizedNtp);
  }

  /** Runs every check and returns what they found. */
  public Report examine() {
    List<Finding> findings = new ArrayList<>();
    Optional<VigilConfig> config = load(findings);
    if (config.isPresent()) {
      VigilConfig c = dataDir.map(config.get()::withDataDir).orElse(config.get());
      Installation in = new Installation(configFile, c, user.get(), clock, full);
      for (Check check :
          List.of(
              new ConfigCheck(),
              new DataDirCheck(),
              new KeyCheck(),
              new TrustCheck(),
              new PortCheck(),
              new AccessCheck(),
              new DiskCheck(),
              new LedgerCheck(),
              new ClockCheck(ntp))) {
        findings.addAll(check.run(in));
      }
    } else {
      findings.add(
          Finding.warn(
              "doctor",
              "the other checks need the configuration and were not run",
              "fix the configuration, then run: vigil doctor"));
    }
    findings.addAll(NativesCheck.run());
    return new Report(findings);
  }

  private Optional<VigilConfig> load(List<Finding> findings) {
    if (configFile.isEmpty()) {
      findings.add(
          Finding.ok("config", "no configuration file: the embedded defaults (vigil serve's)"));
      return Optional.of(VigilConfig.defaults());
    }
    Path file = configFile.get();
    try {
      VigilConfig c = ConfigLoader.load(file);
      findings.add(Finding.ok("config", file + " loads and validates"));
      return Optional.of(c);
    } catch (GatewayException e) {
      findings.add(
          Finding.fail("config", "the configuration does not load", "edit " + e.getMessage()));
      return Optional.empty();
    }
  }
}
