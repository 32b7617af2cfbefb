package io.vigil.gateway.cli;

import picocli.CommandLine.Command;

/** {@code vigil fleet}: the manufacturer's side of a fleet's MQTT broker. */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    description = "Watch a fleet's gateways and send them signed commands over MQTT.",
    subcommands = {FleetWatchCommand.class, FleetSendCommand.class})
final class FleetCommand {}
