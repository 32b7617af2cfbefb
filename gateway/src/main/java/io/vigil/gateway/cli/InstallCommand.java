package io.vigil.gateway.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.audit.AuditException;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.install.InstallReport;
import io.vigil.gateway.install.InstallRequest;
import io.vigil.gateway.install.Installer;
import io.vigil.trust.tuf.DirectorySource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil install --repo DIR}: installs what a trusted TUF repository in a directory
 * (removable media, a network share) approves, through the TUF client workflow. With the gateway
 * stopped it works on the data directory itself; with the gateway running (it holds the ledger), it
 * asks the gateway through the admin port, and the gateway serves the new model at once, without a
 * restart.
 */
@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    description =
        "Install the bundles a trusted TUF repository approves, from a directory (e.g. a USB"
            + " stick). Exit status 0 when everything offered was installed or already there, 2"
            + " when something was refused (the ledger records why), 1 on other failures.")
final class InstallCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin DataDirOptions data;

  @Option(
      names = "--repo",
      required = true,
      paramLabel = "DIR",
      description = "The repository directory (holding metadata/ and targets/).")
  Path repo;

  @Option(
      names = "--repository",
      defaultValue = Installer.DEFAULT_REPOSITORY,
      paramLabel = "NAME",
      description =
          "The name this gateway trusts the repository under (default: ${DEFAULT-VALUE}).")
  String repository;

  @Option(
      names = "--root",
      paramLabel = "FILE",
      description =
          "The repository's first root metadata, delivered out of band: only for the very first install from it.")
  Path root;

  @Option(
      names = "--approve",
      description =
          "Approve now, as the local operator, the targets whose rollout is local-approval: they"
              + " are promoted once their shadow run passes, without waiting for an approval"
              + " through the admin API.")
  boolean approve;

  @Override
  public Integer call() {
    VigilConfig config = data.config();
    Path dir = repo.toAbsolutePath().normalize();
    Optional<byte[]> rootBytes = Optional.ofNullable(root).map(InstallCommand::read);
    String user = System.getProperty("user.name");
    String actor = "operator:" + user;
    Optional<String> approver = approve ? Optional.of(user) : Optional.empty();
    Map<String, Object> report;
    String outcome;
    try {
      InstallReport r =
          Gateway.installStopped(
              config,
              new InstallRequest(repository, DirectorySource.of(dir), rootBytes, actor, approver));
      report = r.toMap();
      outcome =
          "the gateway is not running: from its next start it serves a model's first version,"
              + " and runs a newer version of an installed model in shadow first (GET"
              + " /admin/v1/updates)";
    } catch (AuditException e) {
      if (e.code() != AuditException.Code.IN_USE) {
        throw e;
      }
      report = askRunningGateway(config, dir, rootBytes, actor, approver);
      outcome =
          "the running gateway serves a model's first version now, and runs a newer version of an"
              + " installed model in shadow first (GET /admin/v1/updates)";
    }
    print(report);
    List<?> refused = (List<?>) report.getOrDefault("refused", List.of());
    List<?> installed = (List<?>) report.getOrDefault("installed", List.of());
    if (!installed.isEmpty()) {
      System.out.println("vigil: " + outcome);
    }
    return refused.isEmpty() ? 0 : Code.UPDATE_REFUSED.exitStatus();
  }

  private Map<String, Object> askRunningGateway(
      VigilConfig config,
      Path dir,
      Optional<byte[]> rootBytes,
      String actor,
      Optional<String> approver) {
    URI base = LocalAdmin.url(config);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("directory", dir.toString());
    body.put("repository", repository);
    body.put("actor", actor);
    rootBytes.ifPresent(b -> body.put("root", Base64.getEncoder().encodeToString(b)));
    approver.ifPresent(a -> body.put("approved_by", a));
    URI uri = base.resolve("admin/v1/updates/install");
    try {
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(uri)
                      .timeout(Duration.ofMinutes(5))
                      .header("content-type", "application/json")
                      .header("Authorization", "Bearer " + LocalAdmin.token(config))
                      .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      Map<String, Object> answer =
          JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {});
      if (response.statusCode() != 200) {
        String error = String.valueOf(answer.get("error"));
        throw new GatewayException(
            switch (response.statusCode()) {
              case 422 -> Code.UPDATE_REFUSED;
              case 404 -> Code.NOT_FOUND;
              default -> Code.UNAVAILABLE;
            },
            error);
      }
      return answer;
    } catch (IOException e) {
      throw new GatewayException(
          Code.UNAVAILABLE,
          "a running gateway holds the ledger in "
              + config.dataDir()
              + ", but its admin port at "
              + uri
              + " does not answer ("
              + e.getMessage()
              + "); stop the service and run this again, or check admin.host and admin.port");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayException(Code.UNAVAILABLE, "interrupted while the gateway installed");
    }
  }

  @SuppressWarnings("unchecked")
  private static void print(Map<String, Object> report) {
    System.out.printf(
        "vigil: repository '%s' from %s: root version %s, targets version %s (%s ms)%n",
        report.get("repository"),
        report.get("source"),
        report.get("root_version"),
        report.get("targets_version"),
        report.get("millis"));
    for (Object o : (List<?>) report.getOrDefault("installed", List.of())) {
      Map<String, Object> b = (Map<String, Object>) o;
      System.out.printf(
          "installed   %s %s (release %s, sha256 %s), promotion %s%s%n",
          b.get("model_id"),
          b.get("version"),
          b.get("release"),
          b.get("bundle_sha256"),
          b.get("promotion"),
          Boolean.TRUE.equals(b.get("demo")) ? " [DEMO, not for clinical use]" : "");
    }
    for (Object o : (List<?>) report.getOrDefault("unchanged", List.of())) {
      System.out.println("unchanged   " + o);
    }
    for (Object o : (List<?>) report.getOrDefault("held", List.of())) {
      System.out.println("held        " + o);
    }
    for (Object o : (List<?>) report.getOrDefault("refused", List.of())) {
      Map<String, Object> r = (Map<String, Object>) o;
      System.out.printf(
          "refused     %s: the %s check failed (%s): %s%n",
          r.get("target"), r.get("check"), r.get("attack"), r.get("reason"));
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new GatewayException(
          Code.NOT_FOUND, "cannot read the root file " + file + ": " + e.getMessage());
    }
  }
}
