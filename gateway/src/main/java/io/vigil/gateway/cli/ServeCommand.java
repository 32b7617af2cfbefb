package io.vigil.gateway.cli;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.config.ConfigSource;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
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

  @Override
  public Integer call() throws InterruptedException {
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
    Gateway gateway = Gateway.start(config, source);
    Thread hook =
        new Thread(
            () -> {
              System.out.println("vigil: stopping: draining requests in flight");
              gateway.close();
              System.out.println("vigil: stopped: requests drained, sessions closed");
              System.out.flush();
            },
            "vigil-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long sinceJvmStart =
        System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    System.out.printf(
        "vigil: ready in %d ms: OIP v2 on http://%s:%d/v2, metrics on http://%s:%d/metrics, data in %s,"
            + " %d model version(s) loaded%s%n",
        sinceJvmStart,
        config.server().host(),
        gateway.port(),
        config.admin().host(),
        gateway.adminPort(),
        config.dataDir().toAbsolutePath().normalize(),
        gateway.models().all().size(),
        gateway.models().refused().isEmpty()
            ? ""
            : ", " + gateway.models().refused().size() + " refused");
    gateway
        .models()
        .all()
        .forEach(
            m ->
                System.out.printf(
                    "vigil:   %s %s release %d, bundle sha256 %s%s%n",
                    m.manifest().modelId(),
                    m.manifest().version(),
                    m.manifest().release(),
                    m.bundle().sha256(),
                    m.manifest().demo() ? "  [DEMONSTRATION MODEL: not for clinical use]" : ""));
    java.nio.file.Path database = Ledgers.database(config.dataDir());
    gateway
        .ledger()
        .ifPresent(
            l ->
                System.out.printf(
                    "vigil:   ledger %s: %d entries, checkpoints signed by %s%n",
                    database, l.size(), l.verifierKey()));
    System.out.flush();
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
