package io.vigil.gateway.cli;

import io.vigil.gateway.config.Units;
import io.vigil.gateway.simulate.Shift;
import io.vigil.gateway.simulate.Simulation;
import io.vigil.gateway.simulate.Simulator;
import io.vigil.gateway.simulate.TestSplit;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vigil simulate}: devices sending rows of the WDBC test split to a running gateway, with
 * shifts in the data, printing what the gateway answers and its safety state as time goes by.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Send WDBC-like inference requests to a running gateway and print what it answers,"
          + " period by period, and its safety state.",
      "Rows come from the held-out test split of WDBC, with relative gaussian noise;"
          + " never a training row.",
      "Exit status 0 when it ran to the end, 1 when the gateway could not be reached,"
          + " 2 for a wrong option."
    })
final class SimulateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "The gateway's OIP base (default: ${DEFAULT-VALUE}).")
  String url = Simulation.DEFAULT_URL;

  @Option(
      names = "--model",
      paramLabel = "MODEL",
      description = "The model to send to (default: ${DEFAULT-VALUE}).")
  String model = Simulation.DEFAULT_MODEL;

  @Option(
      names = "--rate",
      paramLabel = "R",
      description =
          "Requests per second, open loop: sent at their intended times, latency measured from"
              + " then (default: "
              + (long) Simulation.DEFAULT_RATE_PER_SECOND
              + " unless --concurrency).")
  Double rate;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "Closed loop instead: N requests in flight, each sent once the last answered.")
  Integer concurrency;

  @Option(
      names = "--duration",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "How long to send: 30s, 5m, 1h (default: 30s).")
  Duration duration = Simulation.DEFAULT_DURATION;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      description = "Seed of the rows, noise and shifts drawn (default: ${DEFAULT-VALUE}).")
  long seed = Simulation.DEFAULT_SEED;

  @Option(
      names = "--noise",
      paramLabel = "SD",
      description =
          "Relative gaussian noise on each feature, as a share of its value (default:"
              + " ${DEFAULT-VALUE}).")
  double noise = Simulation.DEFAULT_NOISE;

  @Option(
      names = "--device-id",
      paramLabel = "ID",
      description = "Sent in the X-Device-Id header (default: ${DEFAULT-VALUE}).")
  String deviceId = Simulation.DEFAULT_DEVICE_ID;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "A device token from `vigil devices add`, sent as Authorization: Bearer (default: the"
              + " VIGIL_DEVICE_TOKEN environment variable, if set).")
  String token;

  @Option(
      names = "--ca-file",
      paramLabel = "FILE",
      description = "For https: the CA that issued the gateway's certificate (PEM).")
  java.nio.file.Path caFile;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "For https: a device's client certificate (PEM), with --key.")
  java.nio.file.Path certFile;

  @Option(names = "--key", paramLabel = "FILE", description = "The client certificate's key.")
  java.nio.file.Path keyFile;

  @Option(
      names = "--report-every",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "One line per period (default: 1s).")
  Duration reportEvery = Simulation.DEFAULT_REPORT_EVERY;

  @Option(
      names = "--outcomes",
      description =
          "Return each answered row's true label from the test split as its outcome (POST"
              + " /v2/models/{model}/outcomes), for the model's live performance.")
  boolean outcomes;

  @Option(
      names = "--outcome-delay",
      defaultValue = "1s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "How long after its answer each outcome is sent (default: ${DEFAULT-VALUE}).")
  Duration outcomeDelay;

  @Option(
      names = "--outcome-error-rate",
      defaultValue = "0",
      paramLabel = "SHARE",
      description =
          "The share of outcomes sent flipped, as if the model were wrong that much more often"
              + " (default: ${DEFAULT-VALUE}).")
  double outcomeErrorRate;

  @Option(
      names = "--shift",
      paramLabel = "KIND:ARGS",
      converter = ShiftConverter.class,
      description = {
        "A change in the data, repeatable: scale:FEATURE=FACTOR, offset:FEATURE=DELTA,"
            + " missing:FEATURE=FRACTION (JSON null in that share of rows), prevalence:P"
            + " (malignant rows drawn with probability P); add @SECONDS to start it later,"
            + " e.g. scale:area_mean=1.5@60."
      })
  List<Shift> shifts = new ArrayList<>();

  @Override
  public Integer call() {
    Simulation simulation;
    try {
      URI base = Simulation.oipBase(url);
      boolean closed = concurrency != null;
      if (closed && rate != null) {
        throw new IllegalArgumentException("give --rate or --concurrency, not both");
      }
      simulation =
          new Simulation(
              base,
              model,
              closed ? 0 : rate == null ? Simulation.DEFAULT_RATE_PER_SECOND : rate,
              closed ? concurrency : 0,
              duration,
              seed,
              noise,
              deviceId,
              reportEvery,
              shifts,
              outcomes
                  ? new io.vigil.gateway.simulate.OutcomeFeed(true, outcomeDelay, outcomeErrorRate)
                  : io.vigil.gateway.simulate.OutcomeFeed.OFF);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    String t = token != null ? token : System.getenv("VIGIL_DEVICE_TOKEN");
    Simulator.run(
        simulation,
        TestSplit.shipped(),
        System.out,
        io.vigil.gateway.simulate.DeviceCredentials.of(
            java.util.Optional.ofNullable(t).filter(v -> !v.isBlank()),
            java.util.Optional.ofNullable(caFile),
            java.util.Optional.ofNullable(certFile),
            java.util.Optional.ofNullable(keyFile)));
    return 0;
  }

  /** Durations as the configuration file writes them. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Units.parseDuration(value)
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "'" + value + "' is not a duration such as 500ms, 30s, 5m or 1h"));
    }
  }

  /** Shifts, checked against the test split's feature names, which are the model's. */
  static final class ShiftConverter implements CommandLine.ITypeConverter<Shift> {
    @Override
    public Shift convert(String value) {
      try {
        return Shift.parse(value, TestSplit.shipped().featureNames());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
