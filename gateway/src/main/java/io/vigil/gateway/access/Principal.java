package io.vigil.gateway.access;

import java.util.Objects;
import java.util.Optional;

/**
 * Who a request comes from, once authenticated: a device or an operator, by name, with how it
 * proved it ({@code certificate}, {@code token}, {@code proxy}, or {@code none} for an anonymous
 * device on a loopback trial server) and, for an operator, its role.
 *
 * @param name the device's or operator's name, as the ledger records it
 * @param via how it was authenticated
 * @param role the operator's role; empty for a device
 */
public record Principal(String name, String via, Optional<Role> role) {

  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(via, "via");
    Objects.requireNonNull(role, "role");
  }

  /** A device. */
  public static Principal device(String name, String via) {
    return new Principal(name, via, Optional.empty());
  }

  /** An operator acting within {@code role}. */
  public static Principal operator(String name, String via, Role role) {
    return new Principal(name, via, Optional.of(role));
  }
}
