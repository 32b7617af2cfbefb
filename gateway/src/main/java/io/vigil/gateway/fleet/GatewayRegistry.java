package io.vigil.gateway.fleet;

import io.vigil.audit.VerifierKey;
import io.vigil.gateway.GatewayException;
import io.vigil.sync.message.Verifier;
import io.vigil.trust.TrustException;
import io.vigil.trust.key.KeyFiles;
import io.vigil.trust.key.PublicKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The gateways a manufacturer registered, each with the public half of its identity key, read from
 * a directory of {@code <gateway>.pub} files (the gateway's {@code identity.pub}, renamed after the
 * gateway). The identity key signs both the gateway's messages and its ledger checkpoints.
 */
public final class GatewayRegistry {

  private final Map<String, PublicKey> keys;
  private final Verifier verifier;

  private GatewayRegistry(Map<String, PublicKey> keys) {
    this.keys = Map.copyOf(keys);
    try {
      this.verifier = Verifier.create(keys);
    } catch (IllegalArgumentException e) {
      throw new GatewayException(GatewayException.Code.DATA_INVALID, e.getMessage());
    }
  }

  /** The gateways in {@code dir}: one {@code <gateway>.pub} PEM public key file each. */
  public static GatewayRegistry read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new GatewayException(
          GatewayException.Code.NOT_FOUND, "gateway key directory " + dir + " does not exist");
    }
    Map<String, PublicKey> keys = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String fileName = file.getFileName().toString();
        if (!fileName.endsWith(KeyFiles.PUBLIC_SUFFIX) || !Files.isRegularFile(file)) {
          continue;
        }
        String gateway = fileName.substring(0, fileName.length() - KeyFiles.PUBLIC_SUFFIX.length());
        keys.put(checkedName(gateway, file), readKey(file));
      }
    } catch (IOException e) {
      throw new GatewayException(
          GatewayException.Code.IO_FAILED, "cannot list gateway keys in " + dir + ": " + e, e);
    }
    return new GatewayRegistry(keys);
  }

  /** A registry of these gateways and keys, by gateway name. */
  public static GatewayRegistry of(Map<String, PublicKey> keys) {
    keys.forEach((gateway, key) -> checkedName(gateway, Path.of(gateway)));
    return new GatewayRegistry(keys);
  }

  /** The registered gateways' names, sorted. */
  public List<String> gateways() {
    return keys.keySet().stream().sorted().toList();
  }

  /** Whether {@code gateway} is registered. */
  public boolean registered(String gateway) {
    return keys.containsKey(gateway);
  }

  /**
   * The key that checks {@code gateway}'s ledger checkpoints when their origin is its name, if it
   * is registered.
   */
  public Optional<VerifierKey> checkpointKey(String gateway) {
    return checkpointKey(gateway, gateway);
  }

  /**
   * The key that checks {@code gateway}'s ledger checkpoints of {@code origin}, if it is
   * registered: the gateway's key under the name its checkpoints are signed with, which is their
   * origin and may differ from the gateway's name on MQTT ({@code sync.gateway-id}).
   */
  public Optional<VerifierKey> checkpointKey(String gateway, String origin) {
    return Optional.ofNullable(keys.get(gateway))
        .map(k -> VerifierKey.of(origin, HexFormat.of().parseHex(k.publicValue())));
  }

  /** The verifier of the registered gateways' messages. */
  Verifier verifier() {
    return verifier;
  }

  private static PublicKey readKey(Path file) {
    try {
      return KeyFiles.readPublic(file);
    } catch (TrustException e) {
      throw new GatewayException(GatewayException.Code.DATA_INVALID, e.getMessage(), e);
    }
  }

  private static String checkedName(String gateway, Path file) {
    // The name is a key name on checkpoint signature lines and a topic level: no space, '+',
    // '/', '#' or control character.
    boolean ok = !gateway.isEmpty();
    for (int i = 0; ok && i < gateway.length(); i++) {
      char c = gateway.charAt(i);
      ok = c > 0x20 && c < 0x7f && c != '+' && c != '/' && c != '#';
    }
    if (!ok) {
      throw new GatewayException(
          GatewayException.Code.DATA_INVALID,
          "gateway key "
              + file
              + ": the gateway name \""
              + gateway
              + "\" must be printable ASCII without spaces, '+', '/' or '#'");
    }
    return gateway;
  }
}
