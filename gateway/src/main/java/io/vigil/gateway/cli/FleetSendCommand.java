package io.vigil.gateway.cli;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.gateway.config.Units;
import io.vigil.sync.command.Command.Name;
import io.vigil.sync.command.CommandSigner;
import io.vigil.sync.publish.GatewayTopics;
import io.vigil.trust.key.KeyFiles;
import io.vigil.trust.key.SigningKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil fleet command}: one command to one gateway, signed with the manufacturer's command
 * keys and published, not retained, on {@code vigil/v1/FLEET/GATEWAY/commands}.
 */
@Command(
    name = "command",
    mixinStandardHelpOptions = true,
    description = {
      "Sign a command with the command keys that the fleet's root names and send it to one"
          + " gateway: summary-now | suspend MODEL [VERSION] | resume MODEL [VERSION] |"
          + " rollback MODEL VERSION SHA256.",
      "Each command carries a counter that must grow per gateway: the last one sent is kept in"
          + " KEYFILE.counters beside the first --key (or give --counter)."
    })
final class FleetSendCommand implements Callable<Integer> {

  /** How long a command stays valid unless told otherwise. */
  static final String DEFAULT_EXPIRES = "10m";

  /** The topic suffix of a gateway's commands. */
  static final String COMMANDS = "commands";

  private static final Duration PUBACK_TIMEOUT = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "GATEWAY", description = "The gateway it is for.")
  String gateway;

  @Parameters(
      index = "1",
      paramLabel = "CMD",
      description = "summary-now, suspend, resume or rollback.")
  String command;

  @Parameters(index = "2..*", paramLabel = "ARGS", description = "The command's arguments.")
  List<String> args = new ArrayList<>();

  @Mixin BrokerOptions brokerOptions;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "KEYFILE",
      description =
          "A command key (PEM, e.g. repo.keys/commands.key); repeat it for as many keys as the"
              + " root's threshold.")
  List<Path> keys;

  @Option(
      names = "--counter",
      paramLabel = "N",
      description = "This command's counter, above the last one sent (default: the last + 1).")
  long counter;

  @Option(
      names = "--expires",
      defaultValue = DEFAULT_EXPIRES,
      paramLabel = "DURATION",
      description = "How long the command stays valid (default: ${DEFAULT-VALUE}).")
  String expires;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Name name;
    Map<String, String> arguments;
    Duration lifetime =
        Units.parseDuration(expires)
            .filter(d -> d.toSeconds() > 0)
            .orElseThrow(
                () ->
                    new GatewayException(
                        Code.CONFIG_INVALID,
                        "--expires " + expires + " is not a duration such as 10m"));
    io.vigil.sync.command.Command signed;
    GatewayTopics topics;
    try {
      name = Name.of(command);
      arguments = arguments(name, args);
      topics = GatewayTopics.of(brokerOptions.fleet, gateway);
      // Checked before a counter is used up.
      io.vigil.sync.command.Command.create(
          brokerOptions.fleet, gateway, name, arguments, 1, Instant.now(), lifetime);
    } catch (IllegalArgumentException e) {
      throw new GatewayException(Code.CONFIG_INVALID, e.getMessage());
    }
    List<SigningKey> signingKeys = keys.stream().map(KeyFiles::readPrivate).toList();
    CommandCounters counters = CommandCounters.beside(keys.get(0));
    String clientId =
        "vigil-command-"
            + brokerOptions.fleet
            + "-"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    try (BrokerSession session =
        BrokerSession.connect(
            brokerOptions.link(clientId, Optional.of(Duration.ofMinutes(1))),
            brokerOptions.connectTimeout())) {
      long n = counters.next(brokerOptions.fleet, gateway, counter);
      signed =
          io.vigil.sync.command.Command.create(
              brokerOptions.fleet, gateway, name, arguments, n, Instant.now(), lifetime);
      byte[] envelope = CommandSigner.create(signingKeys).sign(signed);
      String topic = topics.topic(COMMANDS);
      session.await(session.link().publish(topic, envelope, false), PUBACK_TIMEOUT, "publishing");
      out.println(
          "sent "
              + name.wire()
              + (arguments.isEmpty() ? "" : " " + arguments)
              + " to "
              + gateway
              + " on "
              + topic
              + ": id "
              + signed.id()
              + ", counter "
              + n
              + ", valid until "
              + signed.expiresAt()
              + ", signed by "
              + signingKeys.size()
              + " key(s)");
      return 0;
    }
  }

  private static Map<String, String> arguments(Name name, List<String> args) {
    List<String> keys =
        switch (name) {
          case SUMMARY_NOW -> List.of();
          case SUSPEND, RESUME -> List.of("model", "version");
          case ROLLBACK -> List.of("model", "version", "sha256");
        };
    if (args.size() > keys.size()) {
      throw new IllegalArgumentException(
          name.wire()
              + " takes at most "
              + keys.size()
              + " argument(s): "
              + keys
              + ", not "
              + args);
    }
    Map<String, String> arguments = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      arguments.put(keys.get(i), args.get(i));
    }
    return arguments;
  }
}
