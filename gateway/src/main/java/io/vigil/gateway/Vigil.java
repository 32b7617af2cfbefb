package io.vigil.gateway;

import io.vigil.gateway.cli.AuditCommand;
import io.vigil.gateway.cli.BundleCommand;
import io.vigil.gateway.cli.IdentityCommand;
import io.vigil.gateway.cli.ServeCommand;
import io.vigil.gateway.config.ConfigException;
import io.vigil.inference.InferenceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command: {@code serve}, and the administration subcommands. */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    versionProvider = Vigil.VersionProvider.class,
    description = "Edge gateway for certified medical AI models.",
    subcommands = {
      ServeCommand.class,
      BundleCommand.class,
      AuditCommand.class,
      IdentityCommand.class
    })
public final class Vigil {

  /**
   * Exit status for a bad configuration file (sysexits EX_CONFIG); systemd does not restart on it.
   */
  public static final int EXIT_CONFIG = 78;

  /** Exit status for any other failure. */
  public static final int EXIT_FAILED = 1;

  private Vigil() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status. */
  public static int run(String... args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    }
    CommandLine cli = new CommandLine(new Vigil());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConfigException) {
            commandLine.getErr().println("vigil: configuration error: " + e.getMessage());
            return EXIT_CONFIG;
          }
          if (e instanceof InferenceException
              || e instanceof IllegalStateException
              || e instanceof java.io.UncheckedIOException) {
            commandLine.getErr().println("vigil: " + e.getMessage());
            return EXIT_FAILED;
          }
          if (e.getClass().getName().startsWith("io.vigil.")) {
            commandLine.getErr().println("vigil: " + e.getMessage());
            return EXIT_FAILED;
          }
          throw e;
        });
    return cli.execute(args);
  }

  /** Reads the version Maven stamped into the jar. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vigil " + Version.current()};
    }
  }
}
