package io.vigil.gateway.cli;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.config.ConfigSource;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.gateway.systemd.JournalHandler;
import io.vigil.gateway.systemd.LogFields;
import io.vigil.gateway.systemd.Notifier;
import io.vigil.gateway.systemd.ShutdownLog;
import io.vigil.gateway.systemd.Watchdog;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil serve}: runs the gateway until SIGTERM, then drains and stops. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the gateway: OIP v2 on the configured port.")
final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = System.getLogger(ServeCommand.class.getName());

  @Mixin DataDirOptions data;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Overrides server.port from the configuration.")
  Integer port;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      description = "Overrides admin.port from the configuration.")
  Integer adminPort;

  @Option(
      names = "--grpc-port",
      paramLabel = "PORT",
      description = "Overrides grpc.port from the configuration.")
  Integer grpcPort;

  @Override
  public Integer call() throws InterruptedException {
    // First, so that every record of this run, the configuration's included, goes where systemd
    // wants it.
    JournalHandler.install();
    Notifier notifier = Notifier.fromEnvironment();
    VigilConfig config = data.config();
    ConfigSource source =
        data.configFile == null
            ? ConfigSource.embedded()
            : ConfigSource.file(data.configFile, readBytes(data.configFile));
    if (port != null) {
      config = config.withPort(port);
    }
    if (adminPort != null) {
      config = config.withAdminPort(adminPort);
    }
    if (grpcPort != null) {
      config = config.withGrpcPort(grpcPort);
    }
    Gateway gateway = Gateway.start(config, source);
    ShutdownLog stopLog = ShutdownLog.capture(ServeCommand.class.getName());
    Optional<Watchdog> watchdog =
        Watchdog.fromEnvironment(gateway.vertx(), notifier, gateway::fault);
    Thread hook =
        new Thread(
            () -> {
              notifier.stopping("stopping: draining requests in flight");
              stopLog.log(
                  Level.INFO,
                  "vigil: stopping: draining requests in flight",
                  LogFields.event("stopping"));
              watchdog.ifPresent(Watchdog::close);
              gateway.close();
              stopLog.log(
                  Level.INFO,
                  "vigil: stopped: requests drained, sessions closed",
                  LogFields.event("stopped"));
            },
            "vigil-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long sinceJvmStart =
        System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    String oip = "http://" + config.server().host() + ":" + gateway.port() + "/v2";
    String metrics = "http://" + config.admin().host() + ":" + gateway.adminPort() + "/metrics";
    String grpc =
        gateway.grpcPort() < 0
            ? "gRPC off"
            : "gRPC on " + config.server().host() + ":" + gateway.grpcPort();
    int loaded = gateway.models().all().size();
    String refused =
        gateway.models().refused().isEmpty()
            ? ""
            : ", " + gateway.models().refused().size() + " refused";
    notifier.ready(
        "ready: OIP v2 on "
            + oip
            + ", "
            + grpc
            + ", metrics on "
            + metrics
            + ", "
            + loaded
            + " model version(s)"
            + " loaded"
            + refused);
    LOG.log(
        Level.INFO,
        String.format(
            Locale.ROOT,
            "vigil: ready in %d ms: OIP v2 on %s, %s, metrics on %s, data in %s, %d model"
                + " version(s) loaded%s",
            sinceJvmStart,
            oip,
            grpc,
            metrics,
            config.dataDir().toAbsolutePath().normalize(),
            loaded,
            refused),
        LogFields.event("ready")
            .with("VIGIL_OIP_PORT", Integer.toString(gateway.port()))
            .with("VIGIL_GRPC_PORT", Integer.toString(gateway.grpcPort()))
            .with("VIGIL_ADMIN_PORT", Integer.toString(gateway.adminPort())));
    for (LoadedModel m : gateway.models().all()) {
      LOG.log(
          Level.INFO,
          String.format(
              Locale.ROOT,
              "vigil:   %s %s release %d, bundle sha256 %s%s",
              m.manifest().modelId(),
              m.manifest().version(),
              m.manifest().release(),
              m.bundle().sha256(),
              m.manifest().demo() ? "  [DEMONSTRATION MODEL: not for clinical use]" : ""),
          LogFields.event("serving").model(m.manifest().modelId(), m.manifest().version()));
    }
    Path database = Ledgers.database(config.dataDir());
    gateway
        .ledger()
        .ifPresent(
            l ->
                LOG.log(
                    Level.INFO,
                    "vigil:   ledger "
                        + database
                        + ": "
                        + l.size()
                        + " entries, checkpoints signed by "
                        + l.verifierKey(),
                    LogFields.event("ledger.opened")));
    gateway.awaitClosed();
    return 0;
  }

  private static byte[] readBytes(Path file) {
    try {
      return java.nio.file.Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw new GatewayException(
          GatewayException.Code.CONFIG_INVALID,
          file + ": cannot read the configuration file: " + e.getMessage());
    }
  }
}
