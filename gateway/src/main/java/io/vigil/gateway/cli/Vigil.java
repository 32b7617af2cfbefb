package io.vigil.gateway.cli;

import io.vigil.gateway.Gateway;
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
      IdentityCommand.class,
      KeysCommand.class,
      RepoCommand.class,
      InstallCommand.class,
      TufClientCommand.class,
      SimulateCommand.class,
      DoctorCommand.class
    })
public final class Vigil {

  /** Exit status for a failed check or any other expected failure without a status of its own. */
  public static final int EXIT_FAILED = ExitStatus.FAILED;

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
          ExitStatus.Failure failure = ExitStatus.of(e).orElseThrow(() -> e);
          commandLine.getErr().println("vigil: " + failure.message());
          return failure.status();
        });
    return cli.execute(args);
  }

  /** Reads the version Maven stamped into the jar. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vigil " + Gateway.version()};
    }
  }
}
