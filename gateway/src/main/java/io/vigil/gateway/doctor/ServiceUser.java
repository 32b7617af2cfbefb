package io.vigil.gateway.doctor;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipalLookupService;

/**
 * The user the service runs as: {@code vigil} where the package created it, else whoever runs the
 * command; {@code installed} says which.
 *
 * @param name the user's name
 * @param group the group of the same name, or empty when there is none
 * @param installed whether this is the packaged installation's {@code vigil} user
 */
record ServiceUser(String name, String group, boolean installed) {

  /** The packaged service's user. */
  static final String VIGIL = "vigil";

  /** The {@code vigil} user if it exists, else the current user. */
  static ServiceUser detect() {
    if (userExists(VIGIL)) {
      return of(VIGIL, true);
    }
    return of(System.getProperty("user.name"), false);
  }

  /** The user {@code name}, with its group when one of the same name exists. */
  static ServiceUser of(String name, boolean installed) {
    return new ServiceUser(name, groupExists(name) ? name : "", installed);
  }

  /** Whether this process runs as this user. */
  boolean isCurrent() {
    return name.equals(System.getProperty("user.name"));
  }

  /**
   * The owner as {@code chown} takes it: {@code vigil:vigil}, or {@code nobody:} for the login
   * group.
   */
  String chown() {
    return name + ":" + group;
  }

  private static boolean userExists(String name) {
    try {
      lookup().lookupPrincipalByName(name);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static boolean groupExists(String name) {
    try {
      lookup().lookupPrincipalByGroupName(name);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static UserPrincipalLookupService lookup() {
    return FileSystems.getDefault().getUserPrincipalLookupService();
  }
}
