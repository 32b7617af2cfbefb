package io.vigil.gateway.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.trust.tuf.DirectorySource;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.Root;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's second release: a gateway that installed 1.0.0 at its first start is offered 1.1.0 by
 * the update repository that the demo jar carries, whose root version 2 names the demonstration
 * command key, and installs it as its candidate, to be promoted only with a local operator's
 * approval once its shadow rule holds.
 */
class DemoUpdateTest {

  private static final String UPDATE = "/io/vigil/demo/repository-update/";

  @TempDir Path dataDir;
  @TempDir Path updateDir;

  @Test
  void installs110AsACandidateForLocalApproval() throws Exception {
    copyUpdateRepository(updateDir);
    try (Gateway gateway = Gateway.start(TestGateways.config(dataDir))) {
      // given the demonstration gateway running 1.0.0 from the repository it installs at first
      // start
      assertEquals("1.0.0", gateway.models().active("wdbc-malignancy").manifest().version());

      // when the update repository is offered,
      InstallReport report = gateway.install(request(Optional.empty()));

      // then the gateway follows the root's rotation to version 2, which names the demonstration
      // command key, and 1.1.0 release 2 is verified under it and becomes the candidate, in shadow
      // beside 1.0.0, to be promoted only with a local operator's approval (its target's rollout).
      assertTrue(report.refused().isEmpty(), report.toMap().toString());
      assertEquals(2, report.rootVersion());
      Root trusted =
          Metadata.root(Files.readAllBytes(dataDir.resolve("trust/demo/root.json"))).signed();
      assertEquals(2, trusted.version());
      assertEquals(1, trusted.commands().orElseThrow().keyIds().size());
      assertEquals(1, report.installed().size(), report.toMap().toString());
      assertEquals("1.1.0", report.installed().get(0).manifest().version());
      assertEquals(2, report.installed().get(0).manifest().release());
      assertFalse(report.automatic(report.installed().get(0)));
      assertEquals(
          "1.1.0",
          gateway.models().candidate("wdbc-malignancy").orElseThrow().manifest().version());
      assertEquals("1.0.0", gateway.models().active("wdbc-malignancy").manifest().version());
      assertEquals(List.of("1.0.0", "1.1.0"), gateway.models().versions("wdbc-malignancy"));
    }

    // A restart does not read the jar's older copy of the repository as a rollback attack, and
    // the candidate is a candidate still.
    try (Gateway gateway = Gateway.start(TestGateways.config(dataDir))) {
      assertEquals(List.of("1.0.0", "1.1.0"), gateway.models().versions("wdbc-malignancy"));
      assertEquals("1.0.0", gateway.models().active("wdbc-malignancy").manifest().version());
      assertTrue(gateway.models().candidate("wdbc-malignancy").isPresent());
    }
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      List<String> refused =
          reader.entries(0, reader.size()).stream()
              .map(StoredEntry::entry)
              .filter(e -> e instanceof EventEntry ev && ev.type().equals("update.refused"))
              .map(e -> ((EventEntry) e).details())
              .toList();
      assertEquals(List.of(), refused);
    }
  }

  private InstallRequest request(Optional<String> approver) {
    return new InstallRequest(
        "demo", DirectorySource.of(updateDir), Optional.empty(), "test", approver);
  }

  /** Copies the update repository out of the demo jar (or classes folder), as a person would. */
  private static void copyUpdateRepository(Path to) throws Exception {
    URI root = DemoUpdateTest.class.getResource(UPDATE + "metadata/1.root.json").toURI();
    if (root.getScheme().equals("jar")) {
      try (FileSystem jar = FileSystems.newFileSystem(root, Map.of())) {
        TestGateways.copyTree(jar.provider().getPath(root).getParent().getParent(), to);
      }
    } else {
      TestGateways.copyTree(Path.of(root).getParent().getParent(), to);
    }
  }
}
