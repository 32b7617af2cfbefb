package io.vigil.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.bench.GatewayUnderTest.Variant;
import io.vigil.inference.bundle.Bundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/run --bindings}: the protocol's forms side by side in one run ({@link BindingForm}:
 * JSON REST, binary REST, gRPC with raw and with typed contents), for the demo model as shipped and
 * for an imaging-sized input ({@link ImageModel}, {@value ImageModel#LENGTH} float32 values) with
 * the ledger on as shipped, on with only the input's digest recorded, and off. Each gateway is a
 * JVM of its own; after a warm-up of every form, the forms take turns in each round, so that a
 * drift of the machine falls on all of them. Writes {@code bindings.md} and {@code bindings.json}.
 */
final class BindingsBench {

  /** One gateway of the comparison: its model, whether it records, and the load's connections. */
  private record Setup(
      BenchModel model, Variant variant, boolean storeInputs, int connections, String note) {
    String name() {
      return model.key()
          + "-"
          + variant.name().toLowerCase(Locale.ROOT).replace('_', '-')
          + (storeInputs ? "" : "-digest-only");
    }

    List<String> jvmOptions() {
      return storeInputs ? List.of() : List.of("-D" + GatewayHost.STORE_INPUTS_PROPERTY + "=false");
    }
  }

  /** One form's windows on one gateway. */
  private static final class Windows {
    final List<Double> rate = new ArrayList<>();
    final List<Double> gatewayCpuUs = new ArrayList<>();
    final List<Double> loadCpuUs = new ArrayList<>();
    final List<Double> p50Us = new ArrayList<>();
    final List<Double> p99Us = new ArrayList<>();
    long ok;
    long failed;
    long inferred;
    String firstFailure = "";
    double bytes;
  }

  private final Duration warmUp;
  private final Duration window;
  private final int rounds;
  private final Path out;
  private final Path work;
  private final JsonObject results;

  private BindingsBench(Flags f) throws IOException {
    boolean quick = f.bool("quick");
    this.warmUp = Duration.ofSeconds(quick ? 3 : 8);
    this.window = Duration.ofSeconds(quick ? 3 : 8);
    this.rounds = quick ? 1 : 3;
    this.out = Files.createDirectories(Path.of(f.text("out", "bench/target/results")));
    this.work = Files.createDirectories(out.resolve("work-bindings"));
    this.results =
        new JsonObject().put("machine", Machine.describe(f.text("command", "bench/run")));
  }

  static void run(Flags f) throws Exception {
    Watchdog.start(Duration.ofMinutes(f.bool("quick") ? 10 : 20));
    new BindingsBench(f).run();
  }

  private void run() throws Exception {
    Bundle image = BenchModel.IMAGE.bundle();
    List<Setup> setups =
        List.of(
            new Setup(BenchModel.DEMO, Variant.AS_SHIPPED, true, 32, "as shipped"),
            new Setup(
                BenchModel.IMAGE,
                Variant.AS_SHIPPED,
                true,
                8,
                "as shipped: the input stored in the ledger (audit.store-inputs) and its canonical"
                    + " digest"),
            new Setup(
                BenchModel.IMAGE,
                Variant.AS_SHIPPED,
                false,
                8,
                "ledger on, only the input's digest recorded (audit.store-inputs: false)"),
            new Setup(
                BenchModel.IMAGE, Variant.LEDGER_OFF, true, 8, "ledger off: the binding alone"));
    StringBuilder md = new StringBuilder();
    JsonArray gateways = new JsonArray();
    try (BindingLoad load = new BindingLoad()) {
      for (Setup s : setups) {
        Map<BindingForm, Windows> measured = measure(load, s, image);
        md.append(table(s, measured));
        gateways.add(json(s, measured));
      }
    }
    results.put("gateways", gateways);
    JsonObject machine = results.getJsonObject("machine").put("load_after", Machine.loadAverage());
    md.insert(
        0,
        String.format(
            Locale.ROOT,
            "Run of %s on %s, %d cores, %s, Java %s; load average %s before, %s after. Command:"
                + " `%s`. Each gateway a JVM of its own (-Xmx256m); the load from one Vert.x event"
                + " loop in the harness's JVM.%n%n",
            machine.getString("date"),
            machine.getString("cpu"),
            machine.getInteger("cores"),
            machine.getString("memory"),
            machine.getString("java"),
            machine.getString("load_before"),
            machine.getString("load_after"),
            machine.getString("command")));
    Files.writeString(out.resolve("bindings.md"), md.toString(), StandardCharsets.UTF_8);
    Files.writeString(
        out.resolve("bindings.json"), results.encodePrettily(), StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(md);
    say("wrote " + out.resolve("bindings.md") + " and " + out.resolve("bindings.json"));
  }

  private Map<BindingForm, Windows> measure(BindingLoad load, Setup s, Bundle image)
      throws Exception {
    Map<BindingForm, BindingForm.Load> loads = new EnumMap<>(BindingForm.class);
    for (BindingForm form : BindingForm.values()) {
      loads.put(form, form.load(s.model()));
    }
    Map<BindingForm, Windows> measured = new EnumMap<>(BindingForm.class);
    try (HostedGateway host =
        s.model() == BenchModel.DEMO
            ? HostedGateway.start(s.variant(), s.model(), 32, work, s.name())
            : HostedGateway.start(
                HostedGateway.ownClassPath(),
                s.jvmOptions(),
                s.variant(),
                s.model(),
                image,
                32,
                work,
                s.name())) {
      int grpcPort = host.grpcPort();
      say(s.name() + ": warm-up, " + warmUp.toSeconds() + " s per form");
      for (BindingForm form : BindingForm.values()) {
        BindingLoad.Result r =
            load.run(loads.get(form), port(host, grpcPort, form), s.connections(), warmUp);
        if (r.ok() == 0) {
          throw new IllegalStateException(
              s.name()
                  + ", "
                  + form.label()
                  + ": nothing answered in the warm-up; first failure: "
                  + r.firstFailure());
        }
      }
      BindingForm[] order = BindingForm.values();
      for (int round = 0; round < rounds; round++) {
        for (int k = 0; k < order.length; k++) {
          // Each round starts one form later, so that no form always follows the same one.
          BindingForm form = order[(k + round) % order.length];
          HostStats before = host.stats();
          BindingLoad.Result r =
              load.run(loads.get(form), port(host, grpcPort, form), s.connections(), window);
          HostStats after = host.stats();
          Windows w = measured.computeIfAbsent(form, x -> new Windows());
          w.bytes = loads.get(form).meanBytes();
          w.rate.add(r.rate());
          w.gatewayCpuUs.add(after.cpuMicrosPerRequest(before, r.ok()));
          w.loadCpuUs.add(r.loadCpuNanos() / 1e3 / Math.max(1, r.ok()));
          w.p50Us.add(r.p50Us());
          w.p99Us.add(r.p99Us());
          w.ok += r.ok();
          w.failed += r.failed();
          w.inferred += after.rows() - before.rows();
          if (w.firstFailure.isEmpty()) {
            w.firstFailure = r.firstFailure();
          }
          say(
              String.format(
                  Locale.ROOT,
                  "%s round %d, %s: %s, gateway %s/req, load %s/req, p50 %s",
                  s.name(),
                  round + 1,
                  form.label(),
                  Fmt.rate(r.rate()),
                  Fmt.micros(after.cpuMicrosPerRequest(before, r.ok())),
                  Fmt.micros(r.loadCpuNanos() / 1e3 / Math.max(1, r.ok())),
                  Fmt.latency(r.p50Us())));
        }
      }
    }
    return measured;
  }

  private static int port(HostedGateway host, int grpcPort, BindingForm form) {
    return form.grpc() ? grpcPort : host.port();
  }

  private String table(Setup s, Map<BindingForm, Windows> m) {
    Windows json = m.get(BindingForm.JSON);
    double jsonRate = Stats.median(json.rate);
    double jsonCpu = Stats.median(json.gatewayCpuUs);
    StringBuilder t = new StringBuilder();
    t.append("### ")
        .append(s.model().modelId())
        .append(", ")
        .append(s.note())
        .append(" (")
        .append(s.connections())
        .append(" connections, one request in flight on each; median of ")
        .append(rounds)
        .append(" window(s) of ")
        .append(window.toSeconds())
        .append(" s)\n\n")
        .append(
            "| form | request bytes | answered/s | vs JSON | gateway CPU/req | vs JSON"
                + " | generator CPU/req | p50 | p99 | inferred/answered | failed |\n")
        .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (BindingForm form : BindingForm.values()) {
      Windows w = m.get(form);
      double rate = Stats.median(w.rate);
      double cpu = Stats.median(w.gatewayCpuUs);
      t.append("| ")
          .append(form.label())
          .append(" | ")
          .append(Fmt.number(w.bytes, 0))
          .append(" | ")
          .append(Fmt.rate(rate))
          .append(" | ")
          .append(Fmt.ratio(rate / jsonRate))
          .append(" | ")
          .append(Fmt.micros(cpu))
          .append(" | ")
          .append(Fmt.ratio(cpu / jsonCpu))
          .append(" | ")
          .append(Fmt.micros(Stats.median(w.loadCpuUs)))
          .append(" | ")
          .append(Fmt.latency(Stats.median(w.p50Us)))
          .append(" | ")
          .append(Fmt.latency(Stats.median(w.p99Us)))
          .append(" | ")
          .append(Fmt.number((double) w.inferred / Math.max(1, w.ok), 3))
          .append(" | ")
          .append(w.failed)
          .append(w.firstFailure.isEmpty() ? "" : " (" + w.firstFailure.replace("|", "/") + ")")
          .append(" |\n");
    }
    return t.append('\n').toString();
  }

  private JsonObject json(Setup s, Map<BindingForm, Windows> m) {
    JsonObject forms = new JsonObject();
    for (BindingForm form : BindingForm.values()) {
      Windows w = m.get(form);
      forms.put(
          form.name().toLowerCase(Locale.ROOT),
          new JsonObject()
              .put("label", form.label())
              .put("request_bytes", w.bytes)
              .put("rate", new JsonArray(List.copyOf(w.rate)))
              .put("gateway_cpu_us_per_request", new JsonArray(List.copyOf(w.gatewayCpuUs)))
              .put("generator_cpu_us_per_request", new JsonArray(List.copyOf(w.loadCpuUs)))
              .put("p50_us", new JsonArray(List.copyOf(w.p50Us)))
              .put("p99_us", new JsonArray(List.copyOf(w.p99Us)))
              .put("answered", w.ok)
              .put("failed", w.failed)
              .put("inferred", w.inferred)
              .put("first_failure", w.firstFailure));
    }
    return new JsonObject()
        .put("model", s.model().modelId())
        .put("variant", s.variant().name())
        .put("connections", s.connections())
        .put("note", s.note())
        .put("rounds", rounds)
        .put("window_s", window.toSeconds())
        .put("forms", forms);
  }

  private static void say(String line) {
    System.out.println("bench: " + line);
    System.out.flush();
  }
}
