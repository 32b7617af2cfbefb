package io.vigil.gateway.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.TrustConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trust.roots}: the first roots a package puts in {@code /etc/vigil/trust}, trusted when a
 * real gateway starts, so that the first install needs no {@code --root}.
 */
class TrustRootsTest {

  @TempDir Path dataDir;
  @TempDir Path repoDir;
  @TempDir Path rootsDir;

  @Test
  void trustsEachRootFileAtStartAndRecordsTheFileAsTheActor() throws Exception {
    // given a manufacturer's first root in the roots directory
    ManufacturerRepository manufacturer = new ManufacturerRepository(repoDir);
    manufacturer.approve(ManufacturerRepository.release(2));
    Path file = rootsDir.resolve("manufacturer.root.json");
    Files.write(file, manufacturer.firstRoot());
    Files.writeString(rootsDir.resolve("README"), "not a root, not read");

    // when the gateway starts, then installs without a root of its own
    try (Gateway gateway = Gateway.start(config())) {
      InstallReport report = gateway.install(manufacturer.request(false));

      // then the root was trusted from the file, and the install went through it
      assertEquals(1, report.installed().size(), report.toMap().toString());
    }
    List<EventEntry> trusted = events("trust.root.trusted");
    assertEquals(1, trusted.size(), trusted.toString());
    assertEquals("trust.roots:" + file, trusted.get(0).actor());
    assertTrue(trusted.get(0).details().contains("\"repository\":\"manufacturer\""));
  }

  @Test
  void leavesARepositoryThatIsTrustedAlreadyAlone() throws Exception {
    // given a gateway that trusts its manufacturer, and another root under that name in the folder
    ManufacturerRepository manufacturer = new ManufacturerRepository(repoDir);
    try (Gateway gateway = Gateway.start(config())) {
      gateway.install(manufacturer.request(true));
    }
    Path trusted = dataDir.resolve("trust/manufacturer/root.json");
    byte[] before = Files.readAllBytes(trusted);
    ManufacturerRepository other = new ManufacturerRepository(Files.createTempDirectory("other"));
    Files.write(rootsDir.resolve("manufacturer.root.json"), other.firstRoot());

    // when it starts again
    try (Gateway gateway = Gateway.start(config())) {
      // then the trusted root did not change: roots change only by rotation
      assertArrayEquals(before, Files.readAllBytes(trusted));
    }
    assertEquals(1, events("trust.root.trusted").size());
  }

  @Test
  void aFileThatIsNotARootStopsStartUpNamingTheFile() throws Exception {
    Path file = Files.writeString(rootsDir.resolve("manufacturer.root.json"), "{\"signed\": {}}");

    GatewayException e = assertThrows(GatewayException.class, () -> Gateway.start(config()));

    assertEquals(GatewayException.Code.CONFIG_INVALID, e.code());
    assertTrue(e.getMessage().startsWith("trust.roots: " + file + ": "), e.getMessage());
    assertTrue(Files.notExists(dataDir.resolve("trust/manufacturer")), "nothing trusted");
  }

  @Test
  void aFileNameThatIsNotARepositoryNameStopsStartUpNamingTheFile() throws Exception {
    ManufacturerRepository manufacturer = new ManufacturerRepository(repoDir);
    Path file = Files.write(rootsDir.resolve("Big Hospital.root.json"), manufacturer.firstRoot());

    GatewayException e = assertThrows(GatewayException.class, () -> Gateway.start(config()));

    assertEquals(GatewayException.Code.CONFIG_INVALID, e.code());
    assertTrue(e.getMessage().startsWith("trust.roots: " + file + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("not 'Big Hospital'"), e.getMessage());
  }

  @Test
  void aMissingRootsDirectoryStopsStartUpNamingTheKey() {
    Path missing = rootsDir.resolve("absent");
    VigilConfig config = withRoots(missing);

    GatewayException e = assertThrows(GatewayException.class, () -> Gateway.start(config));

    assertEquals(
        "trust.roots: cannot read the directory " + missing + ": it does not exist",
        e.getMessage());
  }

  private VigilConfig config() {
    return withRoots(rootsDir);
  }

  private VigilConfig withRoots(Path roots) {
    VigilConfig c = TestGateways.withoutDemo(TestGateways.config(dataDir));
    return new VigilConfig(
        c.dataDir(),
        c.server(),
        c.inference(),
        c.audit(),
        c.admin(),
        new TrustConfig(TrustConfig.DEFAULT_DIR, TrustConfig.DEFAULT_SITE, roots),
        c.monitoring(),
        c.sync(),
        c.grpc(),
        c.installDemoBundle(),
        c.shutdownGrace());
  }

  private List<EventEntry> events(String type) {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return reader.entries(0, reader.size()).stream()
          .map(StoredEntry::entry)
          .filter(EventEntry.class::isInstance)
          .map(EventEntry.class::cast)
          .filter(e -> e.type().equals(type))
          .toList();
    }
  }
}
