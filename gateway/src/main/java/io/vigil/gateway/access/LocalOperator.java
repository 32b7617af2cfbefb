package io.vigil.gateway.access;

import io.vigil.gateway.GatewayException;
import io.vigil.trust.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The operator on the gateway's own machine: at each start the gateway writes a fresh token to
 * {@code <data-dir>/access/local-operator.token}, readable by its own user only, so that the {@code
 * vigil} command run by that user (or root) on this machine ({@code vigil install} asking a running
 * gateway to install) reaches the admin port as {@code operator:local}, with the role operator: it
 * may install, suspend and roll back, never approve an update or resume a model, which need a named
 * approver.
 */
public final class LocalOperator {

  /** The local operator's name. */
  public static final String NAME = "local";

  private static final String PREFIX = "vigil_local_";

  private final byte[] token;

  private LocalOperator(byte[] token) {
    this.token = token;
  }

  /** The file the token is in. */
  public static Path file(Path dataDir) {
    return dataDir.resolve("access").resolve("local-operator.token");
  }

  /** Writes a fresh token for this run of the gateway. */
  static LocalOperator write(Path dataDir) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Path file = file(dataDir);
    try {
      Files.createDirectories(file.getParent());
      DurableFiles.replace(file, (token + "\n").getBytes(StandardCharsets.US_ASCII));
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // The data directory's own permissions protect it.
      }
    } catch (IOException e) {
      throw new GatewayException(
          GatewayException.Code.DATA_DIR_UNUSABLE, "cannot write " + file + ": " + e, e);
    }
    return new LocalOperator(token.getBytes(StandardCharsets.US_ASCII));
  }

  /** The token a local command presents, read from the file; empty when there is none. */
  public static Optional<String> read(Path dataDir) {
    try {
      return Optional.of(Files.readString(file(dataDir), StandardCharsets.US_ASCII).strip());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code presented} is this run's token. */
  boolean matches(String presented) {
    return presented.startsWith(PREFIX)
        && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.US_ASCII));
  }
}
