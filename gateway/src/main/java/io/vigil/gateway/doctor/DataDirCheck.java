package io.vigil.gateway.doctor;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;

/**
 * The data directory: there, owned by the service's user, 0750 or stricter (the ledger may hold
 * patients' inputs), writable by that user and on a filesystem mounted read-write.
 */
final class DataDirCheck implements Check {

  static final String NAME = "data-dir";

  @Override
  public List<Finding> run(Installation in) {
    Path dir = in.dataDir();
    ServiceUser user = in.user();
    String create =
        "run: install -d -o "
            + user.name()
            + (user.group().isEmpty() ? "" : " -g " + user.group())
            + " -m 0750 "
            + dir;
    if (!Files.exists(dir)) {
      return List.of(
          user.installed()
              ? Finding.fail(NAME, dir + " does not exist", create)
              : Finding.warn(NAME, dir + " does not exist; vigil serve creates it", create));
    }
    if (!Files.isDirectory(dir)) {
      return List.of(
          Finding.fail(
              NAME,
              dir + " is not a directory",
              "edit " + in.configName() + ": data-dir must name a directory"));
    }
    Posix p;
    try {
      p = Posix.of(dir);
    } catch (IOException | UnsupportedOperationException e) {
      return List.of(
          Finding.warn(NAME, dir + ": cannot read its owner: " + e, "run: ls -ld " + dir));
    }
    List<Finding> out = new ArrayList<>();
    if (!p.owner().equals(user.name())) {
      out.add(
          Finding.fail(
              NAME,
              dir
                  + " belongs to '"
                  + p.owner()
                  + "', not to the service's user '"
                  + user.name()
                  + "'",
              "run: chown -R " + user.chown() + " " + dir));
    } else {
      out.add(Finding.ok(NAME, dir + " belongs to the service's user '" + user.name() + "'"));
    }
    if (!p.within("0750")) {
      out.add(
          Finding.fail(
              NAME,
              dir
                  + " is "
                  + p.mode()
                  + ", more open than 0750: the ledger may hold patients'"
                  + " inputs",
              "run: chmod 0750 " + dir));
    } else {
      out.add(Finding.ok(NAME, dir + " is " + p.mode()));
    }
    boolean writable =
        user.isCurrent()
            ? Files.isWritable(dir)
            : p.owner().equals(user.name())
                && p.has(PosixFilePermission.OWNER_WRITE)
                && p.has(PosixFilePermission.OWNER_EXECUTE);
    if (!writable) {
      out.add(
          Finding.fail(
              NAME, dir + " is not writable by '" + user.name() + "'", "run: chmod u+rwx " + dir));
    }
    try {
      FileStore store = Files.getFileStore(dir);
      if (store.isReadOnly()) {
        out.add(
            Finding.fail(
                NAME,
                dir + " is on a filesystem mounted read-only (" + store + ")",
                "run: mount -o remount,rw " + mountPoint(store, dir)));
      } else {
        out.add(Finding.ok(NAME, dir + " is on a filesystem mounted read-write"));
      }
    } catch (IOException e) {
      out.add(Finding.warn(NAME, dir + ": cannot read its filesystem: " + e, "run: df " + dir));
    }
    return out;
  }

  /** The mount point in a {@link FileStore}'s name, {@code "/var (/dev/sda2)"} on Linux. */
  private static String mountPoint(FileStore store, Path dir) {
    String s = store.toString();
    int paren = s.lastIndexOf(" (");
    return paren > 0 ? s.substring(0, paren) : dir.toString();
  }
}
