package io.vigil.gateway.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * A file's owner, group and mode as {@code ls -l} and {@code chmod} write them, read without
 * following a link.
 */
record Posix(String owner, String group, Set<PosixFilePermission> permissions) {

  static Posix of(Path file) throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return new Posix(a.owner().getName(), a.group().getName(), Set.copyOf(a.permissions()));
  }

  /** The mode in octal, as {@code chmod} takes it: {@code 0640}. */
  String mode() {
    int bits = 0;
    for (PosixFilePermission p : permissions) {
      // The enum lists owner read, write, execute, then group, then others: bit 8 down to 0.
      bits |= 1 << (8 - p.ordinal());
    }
    return String.format("0%o", bits);
  }

  /** Whether every permission is among {@code allowed}: a mode as strict as that or stricter. */
  boolean within(String allowed) {
    int limit = Integer.parseInt(allowed, 8);
    int bits = Integer.parseInt(mode(), 8);
    return (bits & ~limit) == 0;
  }

  boolean has(PosixFilePermission p) {
    return permissions.contains(p);
  }
}
