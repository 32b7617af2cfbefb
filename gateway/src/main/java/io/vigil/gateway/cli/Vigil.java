package io.vigil.gateway.cli;

import io.vigil.gateway.Gateway;
import java.io.PrintWriter;
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
      DoctorCommand.class,
      EvidenceCommand.class,
      FleetCommand.class,
      AccessCommands.Devices.class,
      AccessCommands.Operators.class,
      DashboardCommand.class
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
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /**
   * Runs the command line with its output to {@code out} and {@code err}: tests run several at
   * once.
   */
  static int run(PrintWriter out, PrintWriter err, String... args) {
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
    cli.setOut(out);
    cli.setErr(err);
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Reads the version Maven stamped into the jar. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vigil " + Gateway.version()};
    }
  }
}
