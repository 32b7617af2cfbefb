/**
 * The gateway's meters, on the one {@link io.micrometer.core.instrument.MeterRegistry} that {@link
 * io.vigil.gateway.Gateway} creates and {@code /metrics} scrapes: names in Micrometer's dotted
 * lower-case style and base units, dimensions as tags.
 *
 * <ul>
 *   <li>{@link io.vigil.gateway.metrics.RequestMeters}: {@code vigil.inference.requests} (tags
 *       {@code model}, {@code version}, {@code status}) and {@code vigil.inference.latency} (tags
 *       {@code model}, {@code version}), recorded once per answered inference request.
 *   <li>{@link io.vigil.gateway.metrics.BatchMeters}: {@code vigil.batch.size} and {@code
 *       vigil.batch.queue.depth} (tags {@code model}, {@code version}), fed by the micro-batcher's
 *       run listener and its queue.
 *   <li>{@link io.vigil.gateway.metrics.LedgerMeters}: {@code vigil.ledger.commit.latency} and
 *       {@code vigil.ledger.commit.entries}, fed by the ledger's commit listener.
 *   <li>The gateway's state ({@code vigil.ready}, {@code vigil.disk.*}, {@code
 *       vigil.ledger.healthy}, {@code vigil.ledger.entries}) is registered by {@code Gateway}
 *       itself.
 *   <li>Drift and safety (drift per feature, safety state per model) belong to the {@code
 *       monitoring} module's live component, which registers its own gauges on the registry that
 *       {@code Gateway.meters()} hands out; nothing here computes them.
 * </ul>
 *
 * <p>Every meter a request touches is looked up when its model is loaded, never per request.
 */
package io.vigil.gateway.metrics;
