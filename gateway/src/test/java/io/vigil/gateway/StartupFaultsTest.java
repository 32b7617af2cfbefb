package io.vigil.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A box's file faults at start, each on a real {@code vigil serve} process: it refuses with one
 * line that says what is wrong and what to do, an exit status the systemd unit does not restart on,
 * and no stack trace.
 */
class StartupFaultsTest {

  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  @TempDir Path work;
  private Path mounted;

  @AfterEach
  void unmount() throws Exception {
    if (mounted != null) {
      new ProcessBuilder("umount", mounted.toString())
          .inheritIO()
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aReadOnlyDataDirectoryIsRefusedWithWhatToDo() throws Exception {
    Path data = Files.createDirectory(work.resolve("data"));
    if (ROOT) {
      // Root writes through permissions: a read-only filesystem is what stops it.
      mount(data, "ro,size=1m");
    } else {
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-xr-xr-x"));
    }

    GatewayProcess.Exited r = serve(data);

    assertEquals(73, r.status(), r.output());
    assertTrue(r.output().contains("the data directory " + data + " is not writable"), r.output());
    assertTrue(r.output().contains(ROOT ? "mounted read-only" : "permission denied"), r.output());
    assertTrue(r.output().contains("chown -R vigil:vigil"), r.output());
    assertFalse(r.hasStackTrace(), r.output());
    assertFalse(Files.exists(data.resolve("audit.db")));
  }

  @Test
  void aDataDirectoryOfAnotherUserIsRefusedToRootOrWhenNotWritable() throws Exception {
    Path data = Files.createDirectory(work.resolve("data"));
    UserPrincipal nobody =
        data.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    if (ROOT) {
      Files.setOwner(data, nobody);
    } else {
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-x------"));
    }

    GatewayProcess.Exited r = serve(data);

    assertEquals(73, r.status(), r.output());
    assertTrue(
        r.output()
            .contains(
                ROOT ? "belongs to user 'nobody', but this process runs as root" : "not writable"),
        r.output());
    assertFalse(r.hasStackTrace(), r.output());
    assertFalse(Files.exists(data.resolve("audit.db")));
  }

  @Test
  void aMissingIdentityKeyIsNeverReplacedForAnExistingLedger() throws Exception {
    Path data = work.resolve("data");
    firstStart(data);
    Path keys = data.resolve("keys");
    Files.move(keys, work.resolve("keys-elsewhere"));

    GatewayProcess.Exited r = serve(data);

    assertEquals(77, r.status(), r.output());
    assertTrue(
        r.output().contains("the identity key " + keys.resolve("identity.key") + " is missing"),
        r.output());
    assertTrue(r.output().contains("Restore the keys folder from the backup"), r.output());
    assertFalse(r.hasStackTrace(), r.output());
    assertFalse(Files.exists(keys), "no new key was made");
  }

  @Test
  void aKeyReadableByOthersIsRefused() throws Exception {
    Path data = work.resolve("data");
    firstStart(data);
    Path key = data.resolve("keys").resolve("identity.key");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    GatewayProcess.Exited r = serve(data);

    assertEquals(77, r.status(), r.output());
    assertTrue(r.output().contains(key + " has mode rw-r--r--"), r.output());
    assertTrue(r.output().contains("chmod 600"), r.output());
    assertFalse(r.hasStackTrace(), r.output());
  }

  private GatewayProcess.Exited serve(Path data) throws Exception {
    return GatewayProcess.run(work, 60, "serve", "--data-dir", data.toString(), "--port", "0");
  }

  private void firstStart(Path data) throws Exception {
    try (GatewayProcess g =
        GatewayProcess.start(work, "serve", "--data-dir", data.toString(), "--port", "0")) {
      g.terminate();
      assertEquals(143, g.waitFor(30), "a SIGTERM stop: 128 + 15");
    }
  }

  private void mount(Path dir, String options) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "mount needs root (CI runs as root): " + out);
    mounted = dir;
  }
}
