package io.vigil.gateway.admin;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The running gateway's admin address, in {@code DATA-DIR/admin.url} while it runs, so that a
 * {@code vigil} command on the same machine finds it even when the port was picked at start.
 */
public final class AdminUrl {

  /** The file's name in the data directory. */
  public static final String FILE = "admin.url";

  private AdminUrl() {}

  /** Writes the address; a failure is only a warning, since the configured port still works. */
  public static void write(Path dataDir, String host, int port) {
    String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    String url = "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port + "/\n";
    try {
      Path temp = Files.createTempFile(dataDir, ".admin-", ".tmp");
      Files.writeString(temp, url, StandardCharsets.US_ASCII);
      Files.move(
          temp,
          dataDir.resolve(FILE),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      System.getLogger(AdminUrl.class.getName())
          .log(System.Logger.Level.WARNING, "cannot write " + dataDir.resolve(FILE) + ": " + e);
    }
  }

  /** The address a running gateway wrote, if there is one. */
  public static Optional<URI> read(Path dataDir) {
    try {
      return Optional.of(
          URI.create(Files.readString(dataDir.resolve(FILE), StandardCharsets.US_ASCII).strip()));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Removes the file when the gateway stops. */
  public static void delete(Path dataDir) {
    try {
      Files.deleteIfExists(dataDir.resolve(FILE));
    } catch (IOException ignored) {
      // A stale file only makes a command try a closed port and say so.
    }
  }
}
