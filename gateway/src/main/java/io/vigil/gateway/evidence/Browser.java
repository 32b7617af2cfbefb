package io.vigil.gateway.evidence;

import io.vigil.gateway.GatewayException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A headless Chromium or Chrome found on {@code PATH}, which prints the report to PDF and renders
 * its first page to PNG; in a throwaway profile, so that nothing is left in the user's home.
 */
final class Browser {

  /** The names looked for on {@code PATH}, in this order. */
  static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");

  /** The first page of A4 at 150 dots per inch, about. */
  static final String PAGE_WINDOW = "1240,1754";

  private static final long TIMEOUT_SECONDS = 120;

  private final Path executable;

  private Browser(Path executable) {
    this.executable = executable;
  }

  /** The first of {@link #NAMES} that is an executable file in a folder of {@code path}. */
  static Optional<Browser> find(String path) {
    for (String name : NAMES) {
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(new Browser(candidate));
        }
      }
    }
    return Optional.empty();
  }

  /** The browser on this process's {@code PATH}. */
  static Optional<Browser> onPath() {
    return find(Optional.ofNullable(System.getenv("PATH")).orElse(""));
  }

  /** Prints {@code html} to {@code pdf} (A4, as the page's print style says). */
  void pdf(Path html, Path pdf) {
    run(html, pdf, List.of("--no-pdf-header-footer", "--print-to-pdf=" + pdf));
  }

  /** Renders the top of {@code html} in a window the size of an A4 page to {@code png}. */
  void png(Path html, Path png) {
    run(
        html,
        png,
        List.of("--hide-scrollbars", "--window-size=" + PAGE_WINDOW, "--screenshot=" + png));
  }

  private void run(Path html, Path output, List<String> what) {
    Path profile = null;
    try {
      profile = Files.createTempDirectory("vigil-browser");
      List<String> command = new ArrayList<>();
      command.add(executable.toString());
      command.addAll(
          List.of(
              "--headless",
              "--no-sandbox",
              "--disable-gpu",
              "--disable-dev-shm-usage",
              "--no-first-run",
              "--user-data-dir=" + profile));
      command.addAll(what);
      command.add(html.toAbsolutePath().toUri().toString());
      Path log = profile.resolve("browser.log");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw failed(output, "it did not finish within " + TIMEOUT_SECONDS + " s", log);
      }
      if (!Files.isRegularFile(output) || Files.size(output) == 0) {
        throw failed(output, "it exited with status " + p.exitValue() + " and wrote nothing", log);
      }
    } catch (IOException e) {
      throw new GatewayException(
          GatewayException.Code.IO_FAILED,
          "cannot run " + executable + " to write " + output + ": " + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayException(
          GatewayException.Code.UNAVAILABLE, "interrupted while writing " + output);
    } finally {
      deleteTree(profile);
    }
  }

  private GatewayException failed(Path output, String why, Path log) {
    String tail = "";
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    } catch (IOException e) {
      tail = "(no output)";
    }
    return new GatewayException(
        GatewayException.Code.IO_FAILED,
        executable + " could not write " + output + ": " + why + "; it said: " + tail);
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A temporary profile left behind costs some disk space, never the report.
    }
  }
}
