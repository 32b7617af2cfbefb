package io.vigil.trust.tuf;

import io.vigil.trust.DurableFiles;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The metadata a client trusts, one file a role in one directory ({@code root.json}, {@code
 * timestamp.json}, {@code snapshot.json}, {@code targets.json}, delegated roles by their
 * URL-encoded name): each write is durable and atomic, so that after a crash or a restart the
 * client resumes from exactly what it last trusted and can never be taken back.
 */
final class LocalStore {

  /** Local metadata is the client's own, but still capped: a damaged disk is not an excuse. */
  private static final long MAX_LOCAL = 64L * 1024 * 1024;

  private final Path dir;

  LocalStore(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  Optional<byte[]> read(String role) {
    Path file = dir.resolve(fileName(role));
    try {
      if (Files.size(file) > MAX_LOCAL) {
        throw new TrustException(
            Code.STORE_FAILED, file + " is larger than " + MAX_LOCAL + " bytes");
      }
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new TrustException(Code.STORE_FAILED, "cannot read " + file + ": " + e, e);
    }
  }

  void write(String role, byte[] data) {
    Path file = dir.resolve(fileName(role));
    try {
      DurableFiles.replace(file, data);
    } catch (IOException e) {
      throw new TrustException(Code.STORE_FAILED, "cannot write " + file + ": " + e, e);
    }
  }

  void delete(String role) {
    try {
      Files.deleteIfExists(dir.resolve(fileName(role)));
    } catch (IOException e) {
      throw new TrustException(Code.STORE_FAILED, "cannot delete " + role + " metadata: " + e, e);
    }
  }

  static String fileName(String role) {
    return quote(role) + ".json";
  }

  /** Python's {@code urllib.parse.quote(name, safe="")}: how TUF clients name role files. */
  static String quote(String name) {
    return quote(name, "");
  }

  /**
   * Python's {@code urllib.parse.quote(text, safe)}: every byte of the UTF-8 text percent-encoded
   * but letters, digits, {@code _.-~} and the characters of {@code safe}.
   */
  static String quote(String text, String safe) {
    StringBuilder sb = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '_'
          || c == '.'
          || c == '-'
          || c == '~'
          || (c < 0x80 && safe.indexOf(c) >= 0)) {
        sb.append((char) c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }
}
