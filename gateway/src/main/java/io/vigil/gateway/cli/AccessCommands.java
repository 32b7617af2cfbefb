package io.vigil.gateway.cli;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.access.Credentials;
import io.vigil.gateway.access.Role;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vigil devices} and {@code vigil operators}: who may reach the OIP port and the admin port.
 * A token is printed once and stored nowhere, only its salted hash; a running gateway reads the
 * file again within seconds.
 */
final class AccessCommands {

  private AccessCommands() {}

  @Command(
      name = "devices",
      mixinStandardHelpOptions = true,
      description = "Add, list or revoke the devices that may call the gateway with a token.",
      subcommands = {DeviceAdd.class, DeviceList.class, DeviceRevoke.class})
  static final class Devices {}

  @Command(
      name = "operators",
      mixinStandardHelpOptions = true,
      description =
          "Add, list or revoke the operators of the admin port, each with a role: viewer,"
              + " operator or approver.",
      subcommands = {OperatorAdd.class, OperatorList.class, OperatorRevoke.class})
  static final class Operators {}

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add a device and print its token, once; or register a certificate's CN.")
  static final class DeviceAdd implements Callable<Integer> {
    @Mixin DataDirOptions data;

    @Parameters(paramLabel = "NAME", description = "The device's name, as the ledger records it.")
    String name;

    @Option(
        names = "--certificate-cn",
        paramLabel = "CN",
        description = "Name the device whose client certificate has this common name, no token.")
    String cn;

    @Override
    public Integer call() {
      return add(data, Credentials.Kind.DEVICES, name, cn, Optional.empty());
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add an operator and print its token, once; or register a certificate's CN.")
  static final class OperatorAdd implements Callable<Integer> {
    @Mixin DataDirOptions data;

    @Parameters(paramLabel = "NAME", description = "The operator's name, as the ledger records it.")
    String name;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "viewer, operator or approver.")
    String role;

    @Option(
        names = "--certificate-cn",
        paramLabel = "CN",
        description = "Authenticate by a client certificate with this common name, no token.")
    String cn;

    @Override
    public Integer call() {
      Role r =
          Role.parse(role)
              .orElseThrow(
                  () ->
                      new GatewayException(
                          GatewayException.Code.DATA_INVALID,
                          "--role must be viewer, operator or approver, got '" + role + "'"));
      return add(data, Credentials.Kind.OPERATORS, name, cn, Optional.of(r));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the devices.")
  static final class DeviceList implements Callable<Integer> {
    @Mixin DataDirOptions data;

    @Override
    public Integer call() {
      return list(data, Credentials.Kind.DEVICES);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the operators.")
  static final class OperatorList implements Callable<Integer> {
    @Mixin DataDirOptions data;

    @Override
    public Integer call() {
      return list(data, Credentials.Kind.OPERATORS);
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a device.")
  static final class DeviceRevoke implements Callable<Integer> {
    @Mixin DataDirOptions data;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      return revoke(data, Credentials.Kind.DEVICES, name);
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an operator.")
  static final class OperatorRevoke implements Callable<Integer> {
    @Mixin DataDirOptions data;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      return revoke(data, Credentials.Kind.OPERATORS, name);
    }
  }

  private static int add(
      DataDirOptions data, Credentials.Kind kind, String name, String cn, Optional<Role> role) {
    Credentials c = Credentials.open(data.config().dataDir(), kind);
    if (cn != null) {
      c.addCertificate(name, cn, role);
      System.out.println("added " + name + ": client certificate with CN=" + cn);
    } else {
      String token = c.addToken(name, role);
      System.out.println(
          "added "
              + name
              + role.map(r -> " (" + r.jsonName() + ")").orElse("")
              + "; its token, shown this once (only its salted hash is kept in "
              + c.file()
              + "):");
      System.out.println(token);
    }
    return 0;
  }

  private static int list(DataDirOptions data, Credentials.Kind kind) {
    Credentials c = Credentials.open(data.config().dataDir(), kind);
    System.out.printf("%-24s %-12s %-10s %-25s %s%n", "NAME", "KIND", "ROLE", "ADDED", "STATE");
    for (Credentials.Entry e : c.entries()) {
      System.out.printf(
          "%-24s %-12s %-10s %-25s %s%n",
          e.name(),
          e.kind(),
          e.role().map(Role::jsonName).orElse("-"),
          e.added(),
          e.revoked().map(r -> "revoked " + r).orElse("active"));
    }
    return 0;
  }

  private static int revoke(DataDirOptions data, Credentials.Kind kind, String name) {
    int n = Credentials.open(data.config().dataDir(), kind).revoke(name);
    System.out.println("revoked " + n + " credential(s) of " + name);
    return 0;
  }
}
