package io.vigil.gateway.cli;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.GatewayException;
import io.vigil.inference.build.BundleBuilder;
import io.vigil.inference.build.BundleSummary;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil bundle}: the manufacturer's tools to build and inspect certified bundles. */
@Command(
    name = "bundle",
    mixinStandardHelpOptions = true,
    description = "Build or inspect a certified model bundle.",
    subcommands = {BundleCommand.Build.class, BundleCommand.Inspect.class})
final class BundleCommand {

  /** {@code vigil bundle build}. */
  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      description = "Build a .vbundle from a model, a manifest, reference data and evidence.")
  static final class Build implements Callable<Integer> {
    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "The ONNX model.")
    Path onnx;

    @Option(
        names = "--manifest",
        required = true,
        paramLabel = "FILE",
        description = "The manifest, without its files table.")
    Path manifest;

    @Option(
        names = "--reference",
        required = true,
        paramLabel = "CSV",
        description = "The held-out validation data the reference profile is built from.")
    Path reference;

    @Option(
        names = "--evidence",
        required = true,
        paramLabel = "DIR",
        description = "The qualification evidence folder.")
    Path evidence;

    @Option(
        names = {"-o", "--out"},
        required = true,
        paramLabel = "FILE",
        description = "Where to write the .vbundle.")
    Path out;

    @Override
    public Integer call() {
      String sha256 = BundleBuilder.build(onnx, manifest, reference, evidence, out);
      System.out.println(out + "  sha256 " + sha256);
      return 0;
    }
  }

  /** {@code vigil bundle inspect}. */
  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description = "Verify a .vbundle and print its manifest, file digests and evidence.")
  static final class Inspect implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "0..1", description = "The .vbundle to inspect.")
    Path file;

    @Option(
        names = "--demo",
        description = "Inspect the demonstration bundle shipped in this build instead.")
    boolean demo;

    @Override
    public Integer call() {
      if (demo == (file != null)) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "give either a bundle FILE or --demo");
      }
      Bundle bundle =
          demo
              ? Gateway.demoBundle()
                  .orElseThrow(
                      () ->
                          new GatewayException(
                              GatewayException.Code.NOT_FOUND,
                              "this build carries no demonstration bundle"))
              : BundleReader.read(file);
      System.out.print(BundleSummary.render(bundle));
      return 0;
    }
  }
}
