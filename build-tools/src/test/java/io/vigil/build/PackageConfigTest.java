package io.vigil.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PackageConfigTest {

  private static final List<String> EXAMPLE =
      List.of(
          "# data-dir: in a comment is not the key",
          "data-dir: ./vigil-data",
          "server:",
          "  # port: 1",
          "  port: 8080",
          "trust:",
          "  dir: trust",
          "  roots: \"\"",
          "admin:",
          "  port: 9090");

  @Test
  void setsATopLevelKeyAndKeepsTheComments() {
    List<String> out = PackageConfig.set(EXAMPLE, "data-dir", "/var/lib/vigil");
    assertEquals("data-dir: /var/lib/vigil", out.get(1));
    assertEquals(EXAMPLE.get(0), out.get(0));
  }

  @Test
  void setsANestedKeyInItsOwnSectionOnly() {
    List<String> out = PackageConfig.set(EXAMPLE, "admin.port", "9191");
    assertEquals("  port: 9191", out.get(9));
    assertEquals("  port: 8080", out.get(4), "server.port is another key");
    assertEquals(
        "  roots: /etc/vigil/trust",
        PackageConfig.set(EXAMPLE, "trust.roots", "/etc/vigil/trust").get(7));
  }

  @Test
  void failsTheBuildWhenTheKeyIsNotInTheExample() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> PackageConfig.set(EXAMPLE, "trust.site", "x"));
    assertTrue(e.getMessage().contains("trust.site"), e.getMessage());
  }
}
