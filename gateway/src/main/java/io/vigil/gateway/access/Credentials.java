package io.vigil.gateway.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.canonical.Sha256;
import io.vigil.gateway.GatewayException;
import io.vigil.trust.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The devices or the operators that may reach the gateway, one JSON file each ({@code
 * <data-dir>/access/devices.json}, {@code operators.json}): per entry a name, a token's id and the
 * SHA-256 of its salt and secret (never the token), or the common name of a client certificate, an
 * operator's role, and when it was added and revoked. {@code vigil devices} and {@code vigil
 * operators} change the file; a running gateway reads it again when it changes ({@link #refresh}),
 * so that an added or revoked credential is in force within seconds, without a restart.
 *
 * <p>A token is {@code vigil_<kind>_<id>_<secret>}: the id finds the entry, the 256-bit secret is
 * checked against its salted hash in constant time. A secret that random needs no slow hash: no
 * dictionary can guess it, and one SHA-256 per request costs about a microsecond.
 */
public final class Credentials {

  /** Which file: devices (tokens and certificates) or operators (with roles). */
  public enum Kind {
    DEVICES("devices.json", "vigil_dev_"),
    OPERATORS("operators.json", "vigil_op_");

    private final String file;
    private final String prefix;

    Kind(String file, String prefix) {
      this.file = file;
      this.prefix = prefix;
    }

    /** The file in {@code <data-dir>/access}. */
    public Path file(Path dataDir) {
      return dataDir.resolve("access").resolve(file);
    }
  }

  /**
   * One credential.
   *
   * @param name the device's or operator's name
   * @param tokenId the token's id, or empty for a certificate
   * @param salt the token's salt (base64), or empty
   * @param hash SHA-256 of salt and secret (hex), or empty
   * @param certificateCn the client certificate's common name, or empty for a token
   * @param role the operator's role; empty for a device
   * @param added when it was added
   * @param revoked when it was revoked, if it was
   */
  public record Entry(
      String name,
      String tokenId,
      String salt,
      String hash,
      String certificateCn,
      Optional<Role> role,
      Instant added,
      Optional<Instant> revoked) {

    /** Whether it is in force. */
    public boolean active() {
      return revoked.isEmpty();
    }

    /** {@code token} or {@code certificate}. */
    public String kind() {
      return tokenId.isEmpty() ? "certificate" : "token";
    }
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final Kind kind;
  private String refused = "";
  private final Path file;
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  private record Snapshot(
      List<Entry> entries,
      Map<String, Entry> byTokenId,
      Map<String, Entry> byCertificateCn,
      long modified,
      long size) {
    static final Snapshot EMPTY = new Snapshot(List.of(), Map.of(), Map.of(), -1, -1);
  }

  private Credentials(Kind kind, Path file) {
    this.kind = kind;
    this.file = file;
  }

  /**
   * The credentials of {@code kind} under {@code dataDir}, read now; a missing file is none, a file
   * that cannot be read or parsed throws {@link GatewayException} naming it.
   */
  public static Credentials open(Path dataDir, Kind kind) {
    Credentials c = new Credentials(kind, kind.file(dataDir));
    c.refresh();
    return c;
  }

  /** Whether these are devices or operators. */
  public Kind kind() {
    return kind;
  }

  /** The file these credentials are kept in. */
  public Path file() {
    return file;
  }

  /** Every entry, revoked ones too, in the order they were added. */
  public List<Entry> entries() {
    return snapshot.entries();
  }

  /**
   * Reads the file again if it changed since the last read; returns whether it did. A file that
   * became unreadable or invalid keeps the credentials read before and throws, naming the file.
   */
  public synchronized boolean refresh() {
    long modified;
    long size;
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      modified = a.lastModifiedTime().toMillis();
      size = a.size();
    } catch (NoSuchFileException e) {
      boolean changed = snapshot.modified() != -1;
      snapshot = Snapshot.EMPTY;
      return changed;
    } catch (IOException e) {
      throw unreadable(e.toString());
    }
    Snapshot now = snapshot;
    if (modified == now.modified() && size == now.size()) {
      return false;
    }
    String stamp = modified + "/" + size;
    if (stamp.equals(refused)) {
      // Said once already: the file is no better than when it was last refused.
      return false;
    }
    refused = stamp;
    snapshot = parse(read(), modified, size);
    refused = "";
    return true;
  }

  /**
   * The active entry whose token this is, or empty for anything else: malformed, of the other kind,
   * unknown, revoked or wrong secret.
   */
  public Optional<Entry> byToken(String token) {
    if (token == null || !token.startsWith(kind.prefix)) {
      return Optional.empty();
    }
    String rest = token.substring(kind.prefix.length());
    int sep = rest.indexOf('_');
    if (sep <= 0 || sep == rest.length() - 1) {
      return Optional.empty();
    }
    Entry e = snapshot.byTokenId().get(rest.substring(0, sep));
    if (e == null || !e.active()) {
      return Optional.empty();
    }
    byte[] expected = HexFormat.of().parseHex(e.hash());
    byte[] actual = hash(Base64.getDecoder().decode(e.salt()), rest.substring(sep + 1));
    return MessageDigest.isEqual(expected, actual) ? Optional.of(e) : Optional.empty();
  }

  /** The active entry registered for a client certificate with this common name. */
  public Optional<Entry> byCertificate(String commonName) {
    Entry e = snapshot.byCertificateCn().get(commonName);
    return e != null && e.active() ? Optional.of(e) : Optional.empty();
  }

  /**
   * Adds a token credential named {@code name} and returns the token, which is shown once and
   * stored nowhere; throws {@link GatewayException} ({@code CONFLICT}) when the name is in use.
   */
  public synchronized String addToken(String name, Optional<Role> role) {
    checkNew(name, role);
    byte[] salt = random(16);
    String id = HexFormat.of().formatHex(random(6));
    String secret = B64URL.encodeToString(random(32));
    Entry e =
        new Entry(
            name,
            id,
            Base64.getEncoder().encodeToString(salt),
            HexFormat.of().formatHex(hash(salt, secret)),
            "",
            role,
            Instant.now(),
            Optional.empty());
    save(append(e));
    return kind.prefix + id + "_" + secret;
  }

  /** Registers a client certificate's common name under {@code name}. */
  public synchronized void addCertificate(String name, String commonName, Optional<Role> role) {
    checkNew(name, role);
    if (commonName.isBlank()) {
      throw new GatewayException(
          GatewayException.Code.DATA_INVALID, "a certificate's common name must not be empty");
    }
    if (snapshot.byCertificateCn().containsKey(commonName)
        && snapshot.byCertificateCn().get(commonName).active()) {
      throw new GatewayException(
          GatewayException.Code.CONFLICT,
          "a certificate with common name '" + commonName + "' is registered already");
    }
    save(append(new Entry(name, "", "", "", commonName, role, Instant.now(), Optional.empty())));
  }

  /** Revokes every active credential of {@code name}; returns how many. */
  public synchronized int revoke(String name) {
    refresh();
    List<Entry> next = new ArrayList<>();
    int revoked = 0;
    Instant now = Instant.now();
    for (Entry e : snapshot.entries()) {
      if (e.name().equals(name) && e.active()) {
        next.add(
            new Entry(
                e.name(),
                e.tokenId(),
                e.salt(),
                e.hash(),
                e.certificateCn(),
                e.role(),
                e.added(),
                Optional.of(now)));
        revoked++;
      } else {
        next.add(e);
      }
    }
    if (revoked == 0) {
      throw new GatewayException(
          GatewayException.Code.NOT_FOUND, "no active credential named '" + name + "' in " + file);
    }
    save(next);
    return revoked;
  }

  private void checkNew(String name, Optional<Role> role) {
    refresh();
    if (!NAME.matcher(name).matches()) {
      throw new GatewayException(
          GatewayException.Code.DATA_INVALID,
          "a name is 1 to 64 letters, digits and . _ : @ -, starting with a letter or digit; got '"
              + name
              + "'");
    }
    if ((kind == Kind.OPERATORS) != role.isPresent()) {
      throw new GatewayException(
          GatewayException.Code.DATA_INVALID,
          kind == Kind.OPERATORS ? "an operator needs a role" : "a device has no role");
    }
    for (Entry e : snapshot.entries()) {
      if (e.name().equals(name) && e.active()) {
        throw new GatewayException(
            GatewayException.Code.CONFLICT,
            "'" + name + "' has an active credential already; revoke it first");
      }
    }
  }

  private List<Entry> append(Entry e) {
    List<Entry> next = new ArrayList<>(snapshot.entries());
    next.add(e);
    return next;
  }

  private void save(List<Entry> entries) {
    JsonArray all = new JsonArray();
    for (Entry e : entries) {
      JsonObject o = new JsonObject().put("name", e.name());
      if (!e.tokenId().isEmpty()) {
        o.put("token_id", e.tokenId()).put("salt", e.salt()).put("sha256", e.hash());
      } else {
        o.put("certificate_cn", e.certificateCn());
      }
      e.role().ifPresent(r -> o.put("role", r.jsonName()));
      o.put("added", e.added().toString());
      e.revoked().ifPresent(r -> o.put("revoked", r.toString()));
      all.add(o);
    }
    byte[] bytes =
        new JsonObject()
            .put("version", 1)
            .put("entries", all)
            .encodePrettily()
            .getBytes(StandardCharsets.UTF_8);
    try {
      Files.createDirectories(file.getParent());
      DurableFiles.replace(file, bytes);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the data directory's own permissions are what protect it.
      }
    } catch (IOException e) {
      throw new GatewayException(
          GatewayException.Code.IO_FAILED, "cannot write " + file + ": " + e, e);
    }
    snapshot = Snapshot.EMPTY;
    refresh();
  }

  private byte[] read() {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw unreadable(e.toString());
    }
  }

  private Snapshot parse(byte[] bytes, long modified, long size) {
    List<Entry> entries = new ArrayList<>();
    Map<String, Entry> byId = new HashMap<>();
    Map<String, Entry> byCn = new HashMap<>();
    try {
      JsonObject doc = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
      if (!Objects.equals(doc.getInteger("version"), 1)) {
        throw unreadable("\"version\" must be 1");
      }
      JsonArray all = doc.getJsonArray("entries");
      if (all == null) {
        throw unreadable("\"entries\" is missing");
      }
      for (int index = 0; index < all.size(); index++) {
        int i = index;
        JsonObject o = all.getJsonObject(i);
        String name = required(o, "name", i);
        Optional<Role> role =
            o.containsKey("role")
                ? Optional.of(
                    Role.parse(o.getString("role"))
                        .orElseThrow(
                            () ->
                                unreadable(
                                    "entry "
                                        + i
                                        + ": role must be viewer, operator or approver, got '"
                                        + o.getValue("role")
                                        + "'")))
                : Optional.empty();
        Entry e =
            new Entry(
                name,
                o.getString("token_id", ""),
                o.getString("salt", ""),
                o.getString("sha256", ""),
                o.getString("certificate_cn", ""),
                role,
                Instant.parse(required(o, "added", i)),
                Optional.ofNullable(o.getString("revoked")).map(Instant::parse));
        if (e.tokenId().isEmpty() == e.certificateCn().isEmpty()) {
          throw unreadable("entry " + i + " must have either token_id or certificate_cn");
        }
        if (!e.tokenId().isEmpty()) {
          HexFormat.of().parseHex(e.hash());
          Base64.getDecoder().decode(e.salt());
          byId.put(e.tokenId(), e);
        } else if (e.active()) {
          byCn.put(e.certificateCn(), e);
        }
        entries.add(e);
      }
    } catch (GatewayException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unreadable(e.getMessage());
    }
    return new Snapshot(List.copyOf(entries), Map.copyOf(byId), Map.copyOf(byCn), modified, size);
  }

  private String required(JsonObject o, String key, int i) {
    String v = o.getString(key);
    if (v == null || v.isEmpty()) {
      throw unreadable("entry " + i + " has no \"" + key + "\"");
    }
    return v;
  }

  private GatewayException unreadable(String why) {
    return new GatewayException(
        GatewayException.Code.DATA_INVALID,
        "the "
            + kind.name().toLowerCase(java.util.Locale.ROOT)
            + " file "
            + file
            + " cannot be used: "
            + why);
  }

  private static byte[] hash(byte[] salt, String secret) {
    byte[] s = secret.getBytes(StandardCharsets.US_ASCII);
    byte[] both = new byte[salt.length + s.length];
    System.arraycopy(salt, 0, both, 0, salt.length);
    System.arraycopy(s, 0, both, salt.length, s.length);
    return Sha256.of(both);
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
