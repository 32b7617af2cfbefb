package io.vigil.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.FaultTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the build made (packaging/target), and the commands that look at it. */
final class Built {

  static final List<String> ARCHES = List.of("amd64", "arm64");

  private Built() {}

  static Path target() {
    return Path.of(System.getProperty("vigil.packaging.target", "target")).toAbsolutePath();
  }

  static Path module() {
    return target().getParent();
  }

  static Path deb(String arch) throws IOException {
    return single(target(), "vigil_*_" + arch + ".deb");
  }

  static Path tarball(String arch) throws IOException {
    return single(target(), "vigil-*-linux-" + arch + ".tar.gz");
  }

  /** The package's files, unpacked by dpkg-deb into {@code dir}. */
  static Path unpack(String arch, Path dir) throws IOException, InterruptedException {
    requireCommand("dpkg-deb");
    Result r = run(List.of("dpkg-deb", "-x", deb(arch).toString(), dir.toString()), 60);
    assertEquals(0, r.exit(), r.output());
    return dir;
  }

  static void requireCommand(String command) {
    boolean found =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    FaultTools.require(found, command + " (Debian: apt-get install " + packageOf(command) + ")");
  }

  private static String packageOf(String command) {
    return switch (command) {
      case "dpkg-deb" -> "dpkg";
      case "systemd-analyze" -> "systemd";
      case "unshare", "nsenter" -> "util-linux";
      default -> command;
    };
  }

  record Result(int exit, String output) {}

  /** Runs {@code command}, its stderr merged into its stdout, and waits at most {@code seconds}. */
  static Result run(List<String> command, int seconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out;
    try (var in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    assertTrue(
        p.waitFor(seconds, TimeUnit.SECONDS), command + " did not finish in " + seconds + " s");
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static Path single(Path dir, String glob) throws IOException {
    try (var files = Files.newDirectoryStream(dir, glob)) {
      List<Path> found = new java.util.ArrayList<>();
      files.forEach(found::add);
      assertEquals(1, found.size(), "expected one " + glob + " in " + dir + ": " + found);
      return found.get(0);
    }
  }
}
