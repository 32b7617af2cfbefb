package io.vigil.gateway.cli;

import io.vigil.trust.TrustException;
import io.vigil.trust.tuf.HttpSource;
import io.vigil.trust.tuf.TargetFile;
import io.vigil.trust.tuf.Updater;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vigil tuf-client}: the client CLI protocol of the public tuf-conformance suite ({@code
 * CLIENT-CLI.md}), over HTTP through the very {@link Updater} that installs bundles, so that the
 * suite tests Vigil's client as it tests python-tuf's and go-tuf's. Exit status 0 on success, 1 on
 * any failure, as the protocol says.
 */
@Command(
    name = "tuf-client",
    mixinStandardHelpOptions = true,
    description =
        "The TUF client as the tuf-conformance suite drives it: init ROOT, refresh, download.")
final class TufClientCommand implements Callable<Integer> {

  @Option(
      names = "--metadata-dir",
      required = true,
      paramLabel = "DIR",
      description = "Where trusted metadata is kept.")
  Path metadataDir;

  @Option(
      names = "--metadata-url",
      paramLabel = "URL",
      description = "The repository's metadata base URL.")
  String metadataUrl;

  @Option(
      names = "--target-name",
      paramLabel = "PATH",
      description = "A target path to download; repeatable, processed in order.")
  List<String> targetNames = new ArrayList<>();

  @Option(
      names = "--target-base-url",
      paramLabel = "URL",
      description = "The repository's targets base URL.")
  String targetBaseUrl;

  @Option(names = "--target-dir", paramLabel = "DIR", description = "Where downloaded targets go.")
  Path targetDir;

  @Parameters(paramLabel = "COMMAND [ROOT]", description = "init ROOT, refresh or download.")
  List<String> command = new ArrayList<>();

  @Override
  public Integer call() {
    PrintStream err = System.err;
    try {
      String verb = command.isEmpty() ? "" : command.get(0);
      switch (verb) {
        case "init" -> init();
        case "refresh" -> updater().refresh();
        case "download" -> download();
        default -> {
          err.println("vigil tuf-client: expected init ROOT, refresh or download, got " + command);
          return 1;
        }
      }
      return 0;
    } catch (TrustException e) {
      err.println("vigil tuf-client: refused (" + e.code().attack() + "): " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      err.println("vigil tuf-client: failed: " + e);
      return 1;
    }
  }

  private void init() {
    if (command.size() != 2) {
      throw new IllegalArgumentException("init takes the trusted root file");
    }
    try {
      Files.createDirectories(metadataDir);
      // No checks here, as the protocol says: refresh verifies the root before any request.
      Path temp = Files.createTempFile(metadataDir, ".root-", ".tmp");
      Files.copy(Path.of(command.get(1)), temp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temp, metadataDir.resolve("root.json"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot initialise " + metadataDir + ": " + e, e);
    }
  }

  private void download() {
    if (targetNames.isEmpty() || targetDir == null || targetBaseUrl == null) {
      throw new IllegalArgumentException(
          "download needs --target-name, --target-base-url and --target-dir");
    }
    Updater updater = updater();
    updater.refresh();
    for (String name : targetNames) {
      Optional<TargetFile> target = updater.targetInfo(name);
      if (target.isEmpty()) {
        // Not whyNotApproved: it would fetch roles the search did not need, and the protocol
        // (like python-tuf) fetches a delegated role only when the search reaches it.
        throw new IllegalArgumentException(
            "target " + name + " is not listed by any role trusted for its path");
      }
      Path file = updater.downloadTo(target.get(), targetDir);
      System.err.println("vigil tuf-client: " + target.get() + " -> " + file);
    }
  }

  private Updater updater() {
    if (metadataUrl == null) {
      throw new IllegalArgumentException("--metadata-url is required");
    }
    URI targets = URI.create(targetBaseUrl == null ? metadataUrl : targetBaseUrl);
    return Updater.open(
        metadataDir,
        HttpSource.of(URI.create(metadataUrl), targets),
        Clock.systemUTC(),
        Updater.Limits.DEFAULT);
  }
}
