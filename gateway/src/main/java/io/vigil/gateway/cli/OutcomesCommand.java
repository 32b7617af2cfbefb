package io.vigil.gateway.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.outcomes.OutcomeBatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil outcomes import FILE.csv}: a laboratory's outcomes, sent to the running gateway. */
@Command(
    name = "outcomes",
    mixinStandardHelpOptions = true,
    description = "Outcomes of earlier predictions, for the models' live performance.",
    subcommands = {OutcomesCommand.Import.class})
final class OutcomesCommand {

  /**
   * Reads {@code id,outcome[,subgroup]} rows and posts them in batches to the running gateway's
   * admin port ({@code POST /admin/v1/models/{model}/outcomes}), which records them under the local
   * operator (the ledger has one writer: the running gateway).
   */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description =
          "Send a CSV file of outcomes (a header, then id,outcome[,subgroup] per line: the"
              + " prediction's request id, the model's positive label or 'negative', a subgroup the"
              + " manifest names) to the running gateway. Exit status 0 when all were accepted, 2"
              + " when some were refused (each printed with why), 1 when none could be sent.")
  static final class Import implements Callable<Integer> {

    @Mixin DataDirOptions data;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE.csv", description = "The outcomes.")
    Path file;

    @Option(
        names = "--model",
        defaultValue = "wdbc-malignancy",
        description = "The model whose predictions they are (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(
        names = "--batch",
        defaultValue = "1000",
        description = "Outcomes per request (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws IOException, InterruptedException {
      if (batch < 1 || batch > OutcomeBatch.MAX_ITEMS) {
        throw new GatewayException(
            Code.DATA_INVALID, "--batch must be 1 to " + OutcomeBatch.MAX_ITEMS + ", not " + batch);
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).strip().startsWith("id,outcome")) {
        throw new GatewayException(
            Code.DATA_INVALID, file + ": the first line must be the header id,outcome[,subgroup]");
      }
      PrintWriter out = spec.commandLine().getOut();
      VigilConfig config = data.config();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      long accepted = 0;
      long refused = 0;
      JsonArray pending = new JsonArray();
      int firstLine = 2;
      for (int i = 1; i <= lines.size(); i++) {
        if (i < lines.size() && !lines.get(i).isBlank()) {
          pending.add(item(lines.get(i), i + 1));
        }
        if (pending.size() == batch || (i == lines.size() && !pending.isEmpty())) {
          JsonObject answer = post(http, config, pending);
          accepted += answer.getLong("accepted");
          refused += answer.getLong("refused");
          JsonArray results = answer.getJsonArray("results");
          for (int r = 0; r < results.size(); r++) {
            JsonObject one = results.getJsonObject(r);
            if (!"accepted".equals(one.getString("status"))) {
              out.printf(
                  "refused  line %d, id %s: %s%n",
                  firstLine + r, one.getString("id"), one.getString("message"));
            }
          }
          pending = new JsonArray();
          firstLine = i + 2;
        }
      }
      out.printf("vigil: %s: %d outcomes accepted, %d refused%n", model, accepted, refused);
      return refused == 0 ? 0 : Code.UPDATE_REFUSED.exitStatus();
    }

    private JsonObject item(String line, int number) {
      String[] f = line.split(",", -1);
      if (f.length < 2 || f.length > 3 || f[0].isBlank() || f[1].isBlank()) {
        throw new GatewayException(
            Code.DATA_INVALID,
            file + " line " + number + ": expected id,outcome[,subgroup], not '" + line + "'");
      }
      JsonObject o = new JsonObject().put("id", f[0].strip()).put("outcome", f[1].strip());
      if (f.length == 3 && !f[2].isBlank()) {
        o.put("subgroup", f[2].strip());
      }
      return o;
    }

    private JsonObject post(HttpClient http, VigilConfig config, JsonArray items)
        throws InterruptedException {
      URI uri = LocalAdmin.url(config).resolve("admin/v1/models/" + model + "/outcomes");
      HttpResponse<String> response;
      try {
        response =
            http.send(
                HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofMinutes(2))
                    .header("content-type", "application/json")
                    .header("Authorization", "Bearer " + LocalAdmin.token(config))
                    .POST(HttpRequest.BodyPublishers.ofString(items.encode()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new GatewayException(
            Code.UNAVAILABLE,
            "the gateway's admin port at "
                + uri
                + " does not answer ("
                + e.getMessage()
                + "): outcomes are recorded by the running gateway, which holds the ledger");
      }
      if (response.statusCode() != 200) {
        throw new GatewayException(
            response.statusCode() == 404 ? Code.NOT_FOUND : Code.UNAVAILABLE,
            uri + " answered " + response.statusCode() + ": " + response.body());
      }
      return new JsonObject(response.body());
    }
  }
}
