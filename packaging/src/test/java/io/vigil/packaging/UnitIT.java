package io.vigil.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** systemd's own checks of {@code systemd/vigil.service}: the build fails above 1.5. */
class UnitIT {

  static final double MAX_EXPOSURE = 1.5;

  private static final Pattern OVERALL =
      Pattern.compile("Overall exposure level for vigil\\.service: (\\d+\\.\\d+)");

  /** A protection that the analysis counts as missing: ✗ SETTING[=...] description score. */
  private static final Pattern MISSING =
      Pattern.compile("^✗ ([A-Za-z]+)[=~ ].*$", Pattern.MULTILINE);

  @TempDir Path tmp;

  private static Path unit() {
    return Built.module().resolveSibling("systemd").resolve("vigil.service");
  }

  @Test
  void exposureIsAtMostOnePointFive() throws Exception {
    Built.requireCommand("systemd-analyze");
    Built.Result r =
        Built.run(
            List.of(
                "systemd-analyze", "security", "--offline=true", "--no-pager", unit().toString()),
            60);
    Matcher m = OVERALL.matcher(r.output());
    assertTrue(m.find(), r.output());
    double exposure = Double.parseDouble(m.group(1));
    System.out.println("systemd-analyze security --offline=true: exposure " + exposure);
    assertTrue(exposure <= MAX_EXPOSURE, "exposure " + exposure + "\n" + r.output());
  }

  @Test
  void everyProtectionLeftOffIsExplainedInTheUnit() throws Exception {
    Built.requireCommand("systemd-analyze");
    String out =
        Built.run(
                List.of(
                    "systemd-analyze",
                    "security",
                    "--offline=true",
                    "--no-pager",
                    unit().toString()),
                60)
            .output();
    String comments =
        String.join(
            "\n", Files.readAllLines(unit()).stream().filter(l -> l.startsWith("#")).toList());
    Matcher m = MISSING.matcher(out);
    int missing = 0;
    while (m.find()) {
      missing++;
      assertTrue(
          comments.contains(m.group(1)),
          "the unit does not say why " + m.group(1) + " is left off: " + m.group());
    }
    assertTrue(missing > 0, "expected the analysis to list what is left off:\n" + out);
  }

  @Test
  void systemdVerifiesTheUnitAgainstThePackagesFiles() throws Exception {
    Built.requireCommand("systemd-analyze");
    Path root = Built.unpack("amd64", Files.createDirectories(tmp.resolve("root")));
    // The unit as installed, pointing at the package's own /usr/bin/vigil so that verify can see
    // the command exists and is executable; the manual page is not installed on the build machine.
    Path copy = tmp.resolve("vigil.service");
    Files.writeString(
        copy,
        Files.readString(unit())
            .replace("ExecStart=/usr/bin/vigil", "ExecStart=" + root.resolve("usr/bin/vigil")));
    Built.Result r =
        Built.run(List.of("systemd-analyze", "verify", "--man=no", copy.toString()), 60);
    System.out.println(
        "systemd-analyze verify: " + (r.output().isBlank() ? "no finding" : r.output()));
    assertEquals("", r.output().strip());
    assertEquals(0, r.exit());
    assertFalse(
        Files.readString(unit()).contains("JAVA_TOOL_OPTIONS"),
        "the JVM would print it at every start");
  }
}
