package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bench.GatewayUnderTest.Variant;
import io.vigil.gateway.config.ConfigLoader;
import io.vigil.inference.store.ModelStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bindings benchmark's load against a real gateway over real sockets: every form is answered
 * and each answer was an inference, so that what the benchmark counts is what the gateway did.
 */
class BindingLoadTest {

  private static final Duration SECOND = Duration.ofSeconds(1);

  @TempDir Path dataDir;

  @Test
  void everyFormOfTheDemoModelIsAnsweredAndEachAnswerIsAnInference() throws Exception {
    try (GatewayUnderTest gateway = start(BenchModel.DEMO, Variant.AS_SHIPPED);
        BindingLoad load = new BindingLoad()) {
      for (BindingForm form : BindingForm.values()) {
        assertAnsweredAndInferred(gateway, load, form.load(BenchModel.DEMO), form);
      }
    }
  }

  @Test
  void everyFormOfTheImagingInputIsAnsweredAndEachAnswerIsAnInference() throws Exception {
    ModelStore.open(dataDir).install(BenchModel.IMAGE.bundle());
    try (GatewayUnderTest gateway = start(BenchModel.IMAGE, Variant.LEDGER_OFF);
        BindingLoad load = new BindingLoad()) {
      for (BindingForm form : BindingForm.values()) {
        BindingForm.Load l = form.load(BenchModel.IMAGE);
        assertTrue(l.meanBytes() >= ImageModel.LENGTH * 4, form + ": " + l.meanBytes());
        assertAnsweredAndInferred(gateway, load, l, form);
      }
    }
  }

  @Test
  void aGrpcErrorStatusBehindHttp200IsCountedAsAFailure() throws Exception {
    try (GatewayUnderTest gateway = start(BenchModel.DEMO, Variant.AS_SHIPPED);
        BindingLoad load = new BindingLoad()) {
      // given the raw form's requests, rewritten to name a model the gateway does not serve
      BindingForm.Load good = BindingForm.GRPC_RAW.load(BenchModel.DEMO);
      BindingForm.Load wrongModel =
          new BindingForm.Load(
              good.form(),
              good.path(),
              Map.copyOf(good.headers()),
              good.bodies().stream()
                  .map(
                      b ->
                          io.vertx.core.buffer.Buffer.buffer(
                              b.toString(java.nio.charset.StandardCharsets.ISO_8859_1)
                                  .replace(BenchModel.DEMO.modelId(), "wdbc-malignancz")
                                  .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)))
                  .toList());

      // when it is sent, then nothing counts as answered and the status is named
      BindingLoad.Result r = load.run(wrongModel, gateway.grpcPort(), 2, SECOND);
      assertEquals(0, r.ok());
      assertTrue(r.failed() > 0);
      assertEquals("grpc-status 5", r.firstFailure());
    }
  }

  private void assertAnsweredAndInferred(
      GatewayUnderTest gateway, BindingLoad load, BindingForm.Load l, BindingForm form)
      throws InterruptedException {
    long rowsBefore = gateway.batcherRows();
    int port = form.grpc() ? gateway.grpcPort() : gateway.port();
    BindingLoad.Result r = load.run(l, port, 2, SECOND);
    long inferred = gateway.batcherRows() - rowsBefore;
    assertEquals(0, r.failed(), form + ": " + r.firstFailure());
    assertTrue(r.ok() > 0, form + " answered nothing");
    assertTrue(inferred >= r.ok(), form + ": " + inferred + " inferred, " + r.ok() + " answered");
  }

  private GatewayUnderTest start(BenchModel model, Variant variant) {
    return GatewayUnderTest.start(
        variant,
        ConfigLoader.parse(GatewayHost.yaml(dataDir, model, 32, variant), "binding-load-test"));
  }
}
