package io.vigil.gateway.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.ConfigLoader;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.doctor.Finding.Status;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.trust.IdentityKey;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each check of {@code vigil doctor} on real files with real owners and modes (the tests run as
 * root, and {@code nobody} stands for the service's user), a real ledger and a real clock moved by
 * injection.
 */
class DoctorChecksTest {

  private static final ServiceUser NOBODY = new ServiceUser("nobody", "nogroup", true);

  @TempDir Path tmp;

  @Test
  void aConfigurationThatDoesNotLoadFailsNamingTheKey() throws Exception {
    Path file = Files.writeString(tmp.resolve("vigil.yaml"), "server:\n  port: 99999\n");

    Report report = Doctor.forConfig(file).withDataDir(tmp.resolve("data")).examine();

    Finding f = report.findings().get(0);
    assertEquals(Status.FAIL, f.status());
    assertTrue(f.fix().startsWith("edit " + file + ": server.port: expected"), f.fix());
    assertTrue(report.failed());
  }

  @Test
  void aWorldWritableConfigurationFails() throws Exception {
    Path file = config("");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

    Finding f = ConfigCheck.permissions(file, NOBODY);

    assertEquals(Status.FAIL, f.status());
    assertEquals("run: chmod o-rwx " + file, f.fix());
  }

  @Test
  void anInstalledConfigurationThatTheServiceCannotReadFails() throws Exception {
    Path file = config("");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

    Finding f = ConfigCheck.permissions(file, NOBODY);

    assertEquals(Status.FAIL, f.status());
    assertEquals("run: chown root:nogroup " + file + " && chmod 0640 " + file, f.fix());
  }

  @Test
  void anInstalledConfigurationOwnedByRootAndTheServiceGroupIsOk() throws Exception {
    Path file = config("");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    setGroup(file, "nogroup");

    Finding f = ConfigCheck.permissions(file, NOBODY);

    assertEquals(Status.OK, f.status(), f.toString());
    assertEquals(file + " is 0640 root:nogroup, not readable by others", f.subject());
  }

  @Test
  void theDemoBundleEnabledIsAWarningToTurnItOff() throws Exception {
    Path file = config("install-demo-bundle: true\n");

    Finding f = ConfigCheck.demo(installation(file, tmp.resolve("data")));

    assertEquals(Status.WARN, f.status());
    assertEquals("edit " + file + ": set install-demo-bundle: false before clinical use", f.fix());
  }

  @Test
  void aDataDirectoryOwnedByAnotherUserFailsWithTheChown() throws Exception {
    Path dir = dataDir("rwxr-x---");

    List<Finding> found = new DataDirCheck().run(installation(config(""), dir));

    assertFinding(found, Status.FAIL, "run: chown -R nobody:nogroup " + dir);
  }

  @Test
  void aDataDirectoryMoreOpenThan0750Fails() throws Exception {
    Path dir = dataDir("rwxr-xr-x");
    Files.setOwner(dir, user("nobody"));

    List<Finding> found = new DataDirCheck().run(installation(config(""), dir));

    assertFinding(found, Status.FAIL, "run: chmod 0750 " + dir);
    assertEquals(
        1, found.stream().filter(f -> f.status() == Status.FAIL).count(), found.toString());
  }

  @Test
  void aDataDirectoryOfTheServiceUserAt0750IsOk() throws Exception {
    Path dir = dataDir("rwxr-x---");
    Files.setOwner(dir, user("nobody"));

    List<Finding> found = new DataDirCheck().run(installation(config(""), dir));

    assertTrue(found.stream().allMatch(f -> f.status() == Status.OK), found.toString());
  }

  @Test
  void aMissingDataDirectoryOfAnInstallationFailsWithTheCommandThatMakesIt() throws Exception {
    Path dir = tmp.resolve("absent");

    List<Finding> found = new DataDirCheck().run(installation(config(""), dir));

    assertFinding(found, Status.FAIL, "run: install -d -o nobody -g nogroup -m 0750 " + dir);
  }

  @Test
  void anIdentityKeyReadableByOthersFails() throws Exception {
    Path dir = dataDir("rwxr-x---");
    Path keys = dir.resolve(Ledgers.KEYS);
    IdentityKey.loadOrCreate(keys, "test");
    Path key = keys.resolve(IdentityKey.PRIVATE_FILE);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    List<Finding> found = new KeyCheck().run(installation(config(""), dir));

    assertFinding(found, Status.FAIL, "run: chmod 0600 " + key);
  }

  @Test
  void anIdentityKeyOfAnotherUserFailsWithTheChown() throws Exception {
    Path dir = dataDir("rwxr-x---");
    Path keys = dir.resolve(Ledgers.KEYS);
    IdentityKey.loadOrCreate(keys, "test");
    Path key = keys.resolve(IdentityKey.PRIVATE_FILE);

    List<Finding> found = new KeyCheck().run(installation(config(""), dir));

    assertFinding(found, Status.FAIL, "run: chown nobody:nogroup " + key);
  }

  @Test
  void aLedgerSignedByAnotherKeyFails() throws Exception {
    Path dir = tmp.resolve("data");
    Gateway.start(TestGateways.withoutDemo(TestGateways.config(dir))).close();
    Path keys = dir.resolve(Ledgers.KEYS);
    for (String name : List.of(IdentityKey.PRIVATE_FILE, IdentityKey.PUBLIC_FILE)) {
      Files.delete(keys.resolve(name));
    }
    IdentityKey.loadOrCreate(keys, "another");

    List<Finding> found = new KeyCheck().run(installation(config(""), dir));

    Finding f = assertFinding(found, Status.FAIL, "restore " + keys + " from the backup that");
    assertTrue(
        f.subject().startsWith("the ledger's latest checkpoint is not signed by"), f.subject());
  }

  @Test
  void aTrustRootsFileThatIsNotARootFailsNamingIt() throws Exception {
    Path roots = Files.createDirectory(tmp.resolve("roots"));
    Path bad = Files.writeString(roots.resolve("manufacturer.root.json"), "{}");

    List<Finding> found =
        new TrustCheck()
            .run(installation(config("trust:\n  roots: " + roots + "\n"), tmp.resolve("d")));

    Finding f =
        assertFinding(found, Status.FAIL, "replace " + bad + " with the manufacturer's root");
    assertTrue(f.subject().contains("the gateway will not start"), f.subject());
  }

  @Test
  void theTrustedDemonstrationRootIsAWarningAndExpiresIntoAnotherWarning() throws Exception {
    Path dir = tmp.resolve("data");
    Gateway.start(TestGateways.config(dir)).close();
    Path file = config("");

    List<Finding> now = new TrustCheck().run(installation(file, dir));

    assertFinding(now, Status.WARN, "edit " + file + ": set install-demo-bundle: false");
  }

  @Test
  void aPortHeldByAnotherProcessFailsNamingTheKey() throws Exception {
    try (java.net.ServerSocket held =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = held.getLocalPort();
      Path file = config("server:\n  port: " + port + "\nadmin:\n  port: 0\ngrpc:\n  port: 0\n");

      List<Finding> found = new PortCheck().run(installation(file, tmp.resolve("d")));

      assertFinding(
          found,
          Status.FAIL,
          "edit " + file + ": server.port " + port + " is in use by another process");
    }
  }

  @Test
  void aGrpcPortHeldByAnotherProcessFailsNamingTheKey() throws Exception {
    try (java.net.ServerSocket held =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = held.getLocalPort();
      Path file = config("server:\n  port: 0\nadmin:\n  port: 0\ngrpc:\n  port: " + port + "\n");

      List<Finding> found = new PortCheck().run(installation(file, tmp.resolve("d")));

      assertFinding(
          found,
          Status.FAIL,
          "edit " + file + ": grpc.port " + port + " is in use by another process");
    }
  }

  @Test
  void portsHeldByTheRunningGatewayAreOk() throws Exception {
    Path dir = tmp.resolve("data");
    try (Gateway gateway = Gateway.start(TestGateways.withoutDemo(TestGateways.config(dir)))) {
      Path file =
          config(
              "server:\n  port: "
                  + gateway.port()
                  + "\nadmin:\n  port: "
                  + gateway.adminPort()
                  + "\ngrpc:\n  port: "
                  + gateway.grpcPort()
                  + "\n");

      List<Finding> found = new PortCheck().run(installation(file, dir));

      assertEquals(3, found.size(), found.toString());
      for (Finding f : found) {
        assertEquals(Status.OK, f.status(), f.toString());
        assertTrue(f.subject().endsWith("is in use by the running gateway"), f.subject());
      }
    }
  }

  @Test
  void freeSpaceBelowTheMinimumFailsNamingTheKey() throws Exception {
    Path file = config("audit:\n  min-free-space: " + (1024L * 1024 * 1024 * 1024) + "\n");
    Path dir = dataDir("rwxr-x---");

    List<Finding> found = new DiskCheck().run(installation(file, dir));

    Finding f = assertFinding(found, Status.FAIL, "free space on the disk of " + dir);
    assertTrue(f.fix().endsWith("or edit " + file + ": audit.min-free-space"), f.fix());
    assertTrue(f.subject().contains("below audit.min-free-space (1.0 TiB)"), f.subject());
  }

  @Test
  void aDamagedLedgerFailsQuickCheckWithTheRecovery() throws Exception {
    Path dir = tmp.resolve("data");
    Gateway.start(TestGateways.config(dir)).close();
    Path db = dir.resolve(Ledgers.DATABASE);
    byte[] bytes = Files.readAllBytes(db);
    // Past the header and the schema page: table and index pages.
    for (int i = 4096 * 2; i < Math.min(bytes.length, 4096 * 6); i += 7) {
      bytes[i] = (byte) 0xA5;
    }
    Files.write(db, bytes);

    List<Finding> found = new LedgerCheck().run(installation(config(""), dir));

    assertFinding(
        found, Status.FAIL, "run: systemctl stop vigil && vigil audit recover --data-dir " + dir);
  }

  @Test
  void aSoundLedgerPassesQuickCheckAndWithFullVerifies() throws Exception {
    Path dir = tmp.resolve("data");
    Gateway.start(TestGateways.config(dir)).close();
    Installation in = installation(config(""), dir);

    List<Finding> found =
        new LedgerCheck()
            .run(new Installation(in.configFile(), in.config(), in.user(), in.clock(), true));

    assertTrue(found.stream().allMatch(f -> f.status() == Status.OK), found.toString());
    assertTrue(found.get(1).subject().contains("entries and checkpoints verify"), found.toString());
  }

  @Test
  void aClockBeforeTheLedgersNewestEntryFails() throws Exception {
    Path dir = tmp.resolve("data");
    Gateway.start(TestGateways.withoutDemo(TestGateways.config(dir))).close();
    Clock yesterday = Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC);
    Installation in = installation(config(""), dir);

    List<Finding> found =
        new ClockCheck(() -> Optional.of(true))
            .run(new Installation(in.configFile(), in.config(), in.user(), yesterday, false));

    Finding f =
        assertFinding(found, Status.FAIL, "set the clock right before starting the gateway");
    assertTrue(f.subject().contains("before the ledger's newest entry"), f.subject());
  }

  @Test
  void aClockNotSynchronisedIsAWarningAndAnUnknownStateIsNot() throws Exception {
    Installation in = installation(config(""), tmp.resolve("d"));

    assertFinding(
        new ClockCheck(() -> Optional.of(false)).run(in),
        Status.WARN,
        "run: timedatectl set-ntp true");
    assertEquals(
        List.of(Status.OK),
        new ClockCheck(Optional::empty).run(in).stream().map(Finding::status).toList());
  }

  @Test
  void theNativeLibrariesLoad() {
    List<Finding> found = NativesCheck.run();

    assertEquals(2, found.size());
    assertTrue(found.stream().allMatch(f -> f.status() == Status.OK), found.toString());
  }

  @Test
  void accessSaysPlainHttpAnonymousDevicesAndAMissingApproverThenOkOnceThereIsOne()
      throws Exception {
    Path dir = dataDir("rwx------");
    Installation in = installation(config("server:\n  port: 8080\n"), dir);

    List<Finding> found = new AccessCheck().run(in);
    String all = found.toString();
    assertTrue(all.contains("server: plain HTTP is on"), all);
    assertTrue(all.contains("admin: plain HTTP is on"), all);
    assertTrue(all.contains("server.device-auth is off"), all);
    assertTrue(all.contains("none an approver"), all);

    io.vigil.gateway.access.Credentials.open(
            dir, io.vigil.gateway.access.Credentials.Kind.OPERATORS)
        .addToken("anna", Optional.of(io.vigil.gateway.access.Role.APPROVER));
    assertTrue(
        new AccessCheck().run(in).toString().contains("1 active operators"),
        new AccessCheck().run(in).toString());
  }

  private Installation installation(Path configFile, Path dataDir) {
    VigilConfig config = ConfigLoader.load(configFile).withDataDir(dataDir);
    return new Installation(Optional.of(configFile), config, NOBODY, Clock.systemUTC(), false);
  }

  private Path config(String yaml) throws Exception {
    return Files.writeString(tmp.resolve("vigil.yaml"), yaml);
  }

  private Path dataDir(String mode) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("data"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
    return dir;
  }

  private static Finding assertFinding(List<Finding> found, Status status, String fixStart) {
    return found.stream()
        .filter(f -> f.status() == status && f.fix().startsWith(fixStart))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + status + " with fix '" + fixStart + "' in " + found));
  }

  private static java.nio.file.attribute.UserPrincipal user(String name) throws Exception {
    return lookup().lookupPrincipalByName(name);
  }

  private static void setGroup(Path file, String group) throws Exception {
    Files.getFileAttributeView(file, PosixFileAttributeView.class)
        .setGroup(lookup().lookupPrincipalByGroupName(group));
  }

  private static UserPrincipalLookupService lookup() {
    return FileSystems.getDefault().getUserPrincipalLookupService();
  }
}
