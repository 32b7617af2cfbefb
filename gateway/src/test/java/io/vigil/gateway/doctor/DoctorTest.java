package io.vigil.gateway.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole doctor on a real gateway's data directory: it reads and leaves everything as it was.
 */
class DoctorTest {

  @TempDir Path tmp;

  @Test
  void changesNothingInAStoppedGatewaysDataDirectoryWhenRunAsRoot() throws Exception {
    // given a stopped gateway's data directory, with its ledger, keys, trust and model store
    Path dir = tmp.resolve("data");
    Gateway.start(TestGateways.config(dir)).close();
    // As the package makes it; vigil serve makes a missing one with the umask's mode.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
    Path file =
        Files.writeString(tmp.resolve("vigil.yaml"), "server:\n  port: 0\nadmin:\n  port: 0\n");
    List<String> before = listing(dir);

    // when every check runs over it, the full verification included
    Report report = Doctor.forConfig(file).withDataDir(dir).withFullVerify().examine();

    // then not a file was added, removed, resized, re-owned or touched
    assertEquals(before, listing(dir));
    assertFalse(report.failed(), report.text());
  }

  /** Every file under {@code dir} with its size, owner, mode and modification time. */
  private static List<String> listing(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.sorted()
          .map(
              p -> {
                try {
                  PosixFileAttributes a =
                      Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                  return dir.relativize(p)
                      + " "
                      + a.size()
                      + " "
                      + a.owner().getName()
                      + " "
                      + a.permissions()
                      + " "
                      + a.lastModifiedTime();
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .toList();
    }
  }
}
