package io.vigil.packaging;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** docs/SOUP.md names every third-party component of the SBOM, at the version that ships. */
class SoupIT {

  @Test
  void everyThirdPartyComponentOfTheSbomIsInTheSoupListAtItsVersion() throws Exception {
    List<String> rows =
        Files.readAllLines(Built.module().resolveSibling("docs").resolve("SOUP.md")).stream()
            .filter(l -> l.startsWith("| "))
            .map(l -> l.toLowerCase(Locale.ROOT))
            .toList();
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (String arch : Built.ARCHES) {
      Path sbom = Built.target().resolve("sbom").resolve(arch).resolve("sbom.cdx.json");
      for (JsonNode c : all(new ObjectMapper().readTree(sbom.toFile()).path("components"))) {
        String purl = c.path("purl").asText();
        if (purl.startsWith("pkg:maven/io.vigil/") || !c.hasNonNull("version")) {
          continue;
        }
        checked++;
        String name = c.path("name").asText().toLowerCase(Locale.ROOT);
        String version = c.path("version").asText().toLowerCase(Locale.ROOT);
        if (rows.stream().noneMatch(r -> r.contains(name) && r.contains(version))) {
          missing.add(name + " " + version + " (" + arch + ")");
        }
      }
    }
    assertTrue(checked > 50, "only " + checked + " components checked");
    assertTrue(missing.isEmpty(), "docs/SOUP.md does not list: " + missing);
  }

  private static List<JsonNode> all(JsonNode components) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode c : components) {
      out.add(c);
      out.addAll(all(c.path("components")));
    }
    return out;
  }
}
