package io.vigil.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The third-party files our jars carry as resources enter the SBOM beside the natives. */
class NativeSbomTest {

  static final Path SPEC = Path.of("..", "packaging", "src", "sbom", "natives.json");

  @TempDir Path noNatives;

  @Test
  void nestsTheDashboardsUplotUnderTheGatewayJarWithItsHashAndLicence() throws Exception {
    JsonNode real = new ObjectMapper().readTree(SPEC.toFile());
    ObjectNode spec = new ObjectMapper().createObjectNode();
    spec.putArray("natives");
    spec.set("bundled", real.path("bundled"));
    Component gateway = new Component();
    gateway.setType(Component.Type.LIBRARY);
    gateway.setName("vigil-gateway");
    gateway.setVersion("0.1.0-SNAPSHOT");
    gateway.setPurl("pkg:maven/io.vigil/vigil-gateway@0.1.0-SNAPSHOT?type=jar");
    gateway.setBomRef(gateway.getPurl());
    Bom bom = new Bom();
    bom.setComponents(new java.util.ArrayList<>(List.of(gateway)));

    NativeSbom.complete(bom, spec, noNatives, "amd64");

    Component uplot = gateway.getComponents().get(0);
    assertEquals("uplot", uplot.getName());
    assertEquals("1.6.32", uplot.getVersion());
    assertEquals("pkg:npm/uplot@1.6.32", uplot.getPurl());
    assertEquals("MIT", uplot.getLicenses().getLicenses().get(0).getId());
    assertEquals("SHA-256", uplot.getHashes().get(0).getAlgorithm());
    assertEquals(
        "19c8d4c6ad88929a79f4ae49d6f7161566dfd0ba3d15cc495e974f787eb78f1f",
        uplot.getHashes().get(0).getValue());
    String json = NativeSbom.write(bom);
    assertTrue(json.contains("\"pkg:npm/uplot@1.6.32\""), json);
  }
}
