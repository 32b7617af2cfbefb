package io.vigil.gateway;

import io.vigil.gateway.GatewayException.Code;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Checks, before anything is opened, that the data directory can hold the ledger: that it is a
 * writable directory, and that a process running as root is not about to leave files in a directory
 * that belongs to the service's user. Each refusal says what is wrong and what to do.
 */
final class DataDirectory {

  private static final String PROBE = ".vigil-write-check";

  private DataDirectory() {}

  /**
   * Creates the directory if it is missing, then checks it; throws {@link Code#DATA_DIR_UNUSABLE}.
   */
  static void check(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw unusable(abs + " is not a directory; point --data-dir or data-dir at a directory");
    }
    try {
      Files.createDirectories(abs);
    } catch (IOException e) {
      throw unusable(
          "cannot create the data directory " + abs + ": " + reason(e) + "; " + howToFix(abs));
    }
    String user = System.getProperty("user.name");
    String owner = owner(abs);
    if (isRoot() && !owner.equals("root")) {
      throw unusable(
          "the data directory "
              + abs
              + " belongs to user '"
              + owner
              + "', but this process runs as root: the files it would create there could not be"
              + " read by '"
              + owner
              + "' afterwards. Run it as that user (sudo -u "
              + owner
              + " vigil ...) or stop the service first");
    }
    Path probe = abs.resolve(PROBE);
    try {
      Files.deleteIfExists(probe);
      Files.write(probe, new byte[] {1});
      Files.delete(probe);
    } catch (IOException e) {
      throw unusable(
          "the data directory "
              + abs
              + " is not writable by user '"
              + user
              + "' ("
              + (readOnlyStore(abs) ? "its filesystem is mounted read-only" : reason(e))
              + "); "
              + howToFix(abs));
    }
  }

  private static String howToFix(Path dir) {
    return "make it a writable directory owned by the user that runs Vigil (the systemd unit runs"
        + " as 'vigil': chown -R vigil:vigil "
        + dir
        + ")";
  }

  private static boolean readOnlyStore(Path dir) {
    try {
      FileStore store = Files.getFileStore(dir);
      return store.isReadOnly();
    } catch (IOException e) {
      return false;
    }
  }

  private static String owner(Path dir) {
    try {
      return Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
    } catch (IOException | UnsupportedOperationException e) {
      return System.getProperty("user.name");
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static String reason(IOException e) {
    String name = e.getClass().getSimpleName();
    return switch (name) {
      case "AccessDeniedException" -> "permission denied";
      case "FileSystemException" -> e.getMessage();
      default -> e.getMessage() == null ? name : e.getMessage();
    };
  }

  private static GatewayException unusable(String message) {
    return new GatewayException(Code.DATA_DIR_UNUSABLE, message);
  }
}
