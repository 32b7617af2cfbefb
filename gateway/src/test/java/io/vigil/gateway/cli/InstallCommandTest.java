package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manufacturer's and the hospital's commands end to end: {@code vigil keys}, {@code vigil repo}
 * and {@code vigil install}, into a stopped gateway and into a running one.
 */
class InstallCommandTest {

  @TempDir Path tmp;
  private Path repo;
  private Path dataDir;
  private Path firstRoot;

  @BeforeEach
  void aManufacturerRepositoryApprovingReleaseTwo() throws Exception {
    repo = tmp.resolve("repo");
    dataDir = tmp.resolve("data");
    assertEquals(0, Cli.run("repo", "init", repo.toString()).status());
    firstRoot = repo.resolve("metadata/1.root.json");
    Cli.Result added = add(TestBundles.clinicalBundle("test-model", "1.0.2", 2), "automatic");
    assertEquals(0, added.status(), added.err());
  }

  @Test
  void installsIntoAStoppedGatewayThenFindsNothingNew() throws Exception {
    Cli.Result first = install("--root", firstRoot.toString());

    assertEquals(0, first.status(), first.err());
    assertTrue(first.out().contains("installed   test-model 1.0.2 (release 2"), first.out());
    assertTrue(
        first.out().contains("from its next start it serves a model's first version"), first.out());
    Cli.Result again = install();
    assertEquals(0, again.status(), again.err());
    assertTrue(
        again.out().contains("unchanged   test-model release 2 (1.0.2) is installed"), again.out());
    List<String> events = events();
    assertTrue(events.contains("trust.root.trusted"), events.toString());
    assertTrue(events.contains("bundle.installed"), events.toString());
    assertEquals("command.finished", events.get(events.size() - 1));
  }

  @Test
  void theFirstInstallWithoutARootSaysWhatToGive() {
    Cli.Result r = install();

    assertEquals(1, r.status());
    assertTrue(r.err().contains("the very first install needs --root FILE"), r.err());
  }

  @Test
  void aRefusedInstallExitsTwoAndNamesTheCheck() throws Exception {
    Bundle three = TestBundles.clinicalBundle("test-model", "1.0.3", 3);
    install("--root", firstRoot.toString());
    add(three, "automatic");
    Path target =
        repo.resolve("targets/test-model/" + three.sha256() + ".test-model-1.0.3.vbundle");
    byte[] bytes = Files.readAllBytes(target);
    bytes[100] ^= 1;
    Files.write(target, bytes);

    Cli.Result r = install();

    assertEquals(2, r.status(), r.out() + r.err());
    assertTrue(
        r.out()
            .contains(
                "refused     test-model/test-model-1.0.3.vbundle: the target-mismatch check failed (arbitrary software attack"),
        r.out());
    assertTrue(events().contains("update.refused"));
  }

  @Test
  void aLocalApprovalTargetIsInstalledAsACandidateThatWaitsForTheOperator() throws Exception {
    install("--root", firstRoot.toString());
    add(TestBundles.clinicalBundle("test-model", "1.0.3", 3), "local-approval");

    Cli.Result r = install();
    assertEquals(0, r.status(), r.err());
    assertTrue(
        r.out().contains("installed   test-model 1.0.3 (release 3")
            && r.out().contains("promotion local-approval"),
        r.out());
    assertTrue(r.out().contains("runs a newer version of an installed model in shadow"), r.out());
    try (Gateway gateway = Gateway.start(TestGateways.withoutDemo(TestGateways.config(dataDir)))) {
      assertEquals(2, gateway.models().active("test-model").manifest().release());
      assertEquals(3, gateway.models().candidate("test-model").orElseThrow().manifest().release());
      assertTrue(
          !gateway.models().slots("test-model").candidate().orElseThrow().automatic(),
          "promoted only once a local operator approves it");
    }
  }

  @Test
  void aRunningGatewayInstallsThroughItsAdminPortAndServesAtOnce() throws Exception {
    try (Gateway gateway = Gateway.start(TestGateways.withoutDemo(TestGateways.config(dataDir)))) {
      Cli.Result r = install("--root", firstRoot.toString());

      assertEquals(0, r.status(), r.out() + r.err());
      assertTrue(
          r.out().contains("the running gateway serves a model's first version now"), r.out());
      assertEquals(2, gateway.models().active("test-model").manifest().release());
    }
  }

  @Test
  void rotatedKeysKeepGatewaysInstalling() throws Exception {
    install("--root", firstRoot.toString());
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      Cli.Result rotated = Cli.run("repo", "rotate", repo.toString(), "--role", role);
      assertEquals(0, rotated.status(), rotated.err());
    }
    add(TestBundles.clinicalBundle("test-model", "1.0.3", 3), "automatic");

    Cli.Result r = install();

    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("root version 5"), r.out());
    assertTrue(r.out().contains("installed   test-model 1.0.3"), r.out());
    assertTrue(Files.exists(repo.resolveSibling("repo.keys/retired/root-until-root-1.key")));
  }

  @Test
  void aReleaseIsNeverReusedInTheRepository() throws Exception {
    Cli.Result r = add(TestBundles.clinicalBundle("test-model", "1.0.9", 2), "automatic");

    assertEquals(1, r.status());
    assertTrue(r.err().contains("already has release 2"), r.err());
  }

  @Test
  void generatedKeysAreReadableByTheirOwnerOnly() throws Exception {
    Cli.Result r =
        Cli.run("keys", "generate", "--out", tmp.resolve("k").toString(), "--name", "fleet");

    assertEquals(0, r.status(), r.err());
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("k/fleet.key"))));
    assertTrue(
        Files.readString(tmp.resolve("k/fleet.pub")).startsWith("-----BEGIN PUBLIC KEY-----"));
    assertEquals(
        1,
        Cli.run("keys", "generate", "--out", tmp.resolve("k").toString(), "--name", "fleet")
            .status());
  }

  @Test
  void aReleaseSignedForAnotherArchitectureIsRefusedByTheHardwareRule() throws Exception {
    install("--root", firstRoot.toString());
    String elsewhere = "aarch64".equals(System.getProperty("os.arch")) ? "amd64" : "arm64";
    Cli.Result added =
        add(
            TestBundles.clinicalBundle("test-model", "1.0.3", 3),
            "automatic",
            "--architecture",
            elsewhere);
    assertTrue(added.out().contains("\"architectures\":[\"" + elsewhere + "\"]"), added.out());

    Cli.Result r = install();

    assertEquals(2, r.status(), r.out() + r.err());
    assertTrue(
        r.out().contains("refused     test-model/test-model-1.0.3.vbundle: the hardware check"),
        r.out());
  }

  private Cli.Result add(Bundle bundle, String rollout, String... more) throws Exception {
    Path file = tmp.resolve(bundle.label().replace(' ', '-') + ".vbundle");
    Files.write(file, bundle.bytes());
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "repo",
                "add",
                repo.toString(),
                file.toString(),
                "--release",
                String.valueOf(bundle.manifest().release()),
                "--rollout",
                rollout));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private Cli.Result install(String... more) {
    String[] args = new String[4 + more.length];
    args[0] = "install";
    args[1] = "--repo";
    args[2] = repo.toString();
    args[3] = "--data-dir=" + dataDir;
    System.arraycopy(more, 0, args, 4, more.length);
    return Cli.run(args);
  }

  private List<String> events() {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return reader.entries(0, reader.size()).stream()
          .map(StoredEntry::entry)
          .filter(EventEntry.class::isInstance)
          .map(e -> ((EventEntry) e).type())
          .toList();
    }
  }
}
