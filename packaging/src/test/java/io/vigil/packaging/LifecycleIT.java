package io.vigil.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.FaultTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The amd64 package's life in a throwaway root with systemd as PID 1: install, serve, crash,
 * upgrade, remove, purge, and the tarball (packaging/src/test/sh/lifecycle, which says how).
 */
class LifecycleIT {

  @Test
  void installsServesSurvivesAnUpgradeAndIsRemovedAndPurgedCleanly() throws Exception {
    FaultTools.require(
        "root".equals(System.getProperty("user.name")),
        "root, to make the throwaway root's namespaces and overlay");
    for (String command : List.of("unshare", "nsenter", "dpkg-deb", "systemd-analyze", "curl")) {
      Built.requireCommand(command);
    }
    FaultTools.require(
        Files.isExecutable(Path.of("/lib/systemd/systemd")), "systemd (apt-get install systemd)");
    Path script = Built.module().resolve("src/test/sh/lifecycle");
    Path logs = Built.target().resolve("lifecycle");
    Built.Result r =
        Built.run(
            List.of(
                "bash",
                script.toString(),
                Built.deb("amd64").toString(),
                Built.tarball("amd64").toString(),
                logs.toString()),
            600);
    System.out.println(r.output());
    Files.writeString(logs.resolve("lifecycle.txt"), r.output());
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("lifecycle: all checks passed"), r.output());
  }
}
