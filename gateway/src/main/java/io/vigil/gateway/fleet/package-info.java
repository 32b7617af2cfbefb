/**
 * The manufacturer's receiving side of {@code vigil fleet watch}: each message a gateway sent is
 * verified against the registered gateway keys ({@link io.vigil.gateway.fleet.GatewayRegistry}),
 * de-duplicated on (gateway, seq) and kept in SQLite ({@link io.vigil.gateway.fleet.FleetStore}),
 * its ledger checkpoint checked against the ones before it ({@link
 * io.vigil.gateway.fleet.FleetWatch}), and the fleet shown as a table ({@link
 * io.vigil.gateway.fleet.FleetTable}). The MQTT subscription that feeds it lives in {@code sync}.
 */
package io.vigil.gateway.fleet;
