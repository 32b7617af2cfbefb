package io.vigil.gateway.access;

import java.util.Locale;
import java.util.Optional;

/**
 * What an operator may do on the admin port, each role including the ones before it: a {@link
 * #VIEWER} reads (models, updates, metrics), an {@link #OPERATOR} also acts (suspend, roll back,
 * install, hold an update), an {@link #APPROVER} also approves an update and resumes a suspended
 * model.
 */
public enum Role {
  VIEWER,
  OPERATOR,
  APPROVER;

  /** Whether this role may do what {@code needed} may. */
  public boolean allows(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The role's name as written in files, commands and answers. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named {@code name}, if there is one. */
  public static Optional<Role> parse(String name) {
    for (Role r : values()) {
      if (r.jsonName().equals(name)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
