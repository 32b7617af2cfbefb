package io.vigil.gateway.doctor;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration file's permissions (it may name key files and tokens, and whoever can write it
 * decides what the gateway trusts) and whether the demonstration bundle is still installed.
 */
final class ConfigCheck implements Check {

  static final String NAME = "config";

  @Override
  public List<Finding> run(Installation in) {
    List<Finding> out = new ArrayList<>();
    in.configFile().ifPresent(file -> out.add(permissions(file, in.user())));
    out.add(demo(in));
    return out;
  }

  static Finding permissions(Path file, ServiceUser user) {
    Posix p;
    try {
      p = Posix.of(file);
    } catch (IOException | UnsupportedOperationException e) {
      return Finding.warn(NAME, file + ": cannot read its permissions: " + e, "run: ls -l " + file);
    }
    String found = file + " is " + p.mode() + " " + p.owner() + ":" + p.group();
    String group = user.group().isEmpty() ? user.name() : user.group();
    String wanted = "root:" + group;
    if (p.has(PosixFilePermission.OTHERS_WRITE)) {
      return Finding.fail(NAME, found + ", writable by every user", "run: chmod o-rwx " + file);
    }
    if (user.installed()
        && !p.group().equals(group)
        && !p.owner().equals(user.name())
        && !p.has(PosixFilePermission.OTHERS_READ)) {
      return Finding.fail(
          NAME,
          found + ": the service's user '" + user.name() + "' cannot read it",
          "run: chown " + wanted + " " + file + " && chmod 0640 " + file);
    }
    if (user.installed() && p.owner().equals(user.name())) {
      return Finding.fail(
          NAME,
          found + ": the service's user could rewrite its own configuration",
          "run: chown " + wanted + " " + file + " && chmod 0640 " + file);
    }
    if (p.has(PosixFilePermission.OTHERS_READ)) {
      return Finding.warn(NAME, found + ", readable by every user", "run: chmod o-rwx " + file);
    }
    if (user.installed() && (!p.owner().equals("root") || !p.group().equals(group))) {
      return Finding.warn(NAME, found + ", not " + wanted, "run: chown " + wanted + " " + file);
    }
    return Finding.ok(NAME, found + ", not readable by others");
  }

  static Finding demo(Installation in) {
    if (!in.config().installDemoBundle()) {
      return Finding.ok(NAME, "install-demo-bundle: false");
    }
    return Finding.warn(
        NAME,
        "install-demo-bundle is true: the demonstration model, not for clinical use, is installed"
            + " at start",
        "edit " + in.configName() + ": set install-demo-bundle: false before clinical use");
  }
}
