package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.gateway.simulate.TestSplit;
import io.vigil.inference.bundle.Manifest;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchModelTest {

  @Test
  void sendsEveryTestSplitRowOfTheDemoModelAsItsOwnBody() {
    List<String> bodies = BenchModel.DEMO.requestBodies();

    assertEquals(TestSplit.shipped().rows().size(), bodies.size());
    assertTrue(bodies.size() >= 100, "test split rows: " + bodies.size());
    assertEquals(bodies.size(), new HashSet<>(bodies).size(), "every body distinct");
  }

  @Test
  void eachDemoBodyIsAnOipRequestForTheManifestsInputInItsFeatureOrder() {
    Manifest.TensorSpec input = BenchModel.DEMO.bundle().manifest().inputs().get(0);
    List<String> features = input.features().stream().map(Manifest.Feature::name).toList();
    assertEquals(TestSplit.shipped().featureNames(), features);

    for (String body : BenchModel.DEMO.requestBodies()) {
      JsonObject in = new JsonObject(body).getJsonArray("inputs").getJsonObject(0);
      assertEquals(input.name(), in.getString("name"));
      assertEquals("FP32", in.getString("datatype"));
      assertEquals(new JsonArray(List.of(1, features.size())), in.getJsonArray("shape"));
      assertEquals(features.size(), in.getJsonArray("data").size());
      assertTrue(body.indexOf('\n') < 0, "one line: the open-loop generator reads one a line");
    }
  }

  @Test
  void sendsTheOneSignalOfABenchmarkOnlyModel() {
    assertEquals(List.of(BenchModel.MLP.requestBody()), BenchModel.MLP.requestBodies());
  }
}
