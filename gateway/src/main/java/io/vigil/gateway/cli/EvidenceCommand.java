package io.vigil.gateway.cli;

import io.vigil.gateway.evidence.EvidenceExport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vigil evidence}: the evidence an inspector asks for, from the gateway's own records. */
@Command(
    name = "evidence",
    mixinStandardHelpOptions = true,
    description = "Evidence reports from the gateway's ledger, bundles and trusted metadata.",
    subcommands = EvidenceCommand.Export.class)
final class EvidenceCommand {

  /** {@code vigil evidence export}. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description =
          "Verify the whole ledger, then write the evidence report of one model over a period:"
              + " report.html (self-contained, printable), report.json, the asked predictions'"
              + " inclusion proofs, and report.pdf / report.png with a headless Chromium."
              + " Reads the data directory only; runs beside a serving gateway.")
  static final class Export implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin DataDirOptions data;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model id.")
    String model;

    @Option(
        names = "--from",
        paramLabel = "TIME",
        description =
            "Start of the period, included: an ISO-8601 instant (2026-12-01T08:00:00Z) or a UTC"
                + " date (2026-12-01, its start). Default: the beginning of the ledger.")
    String from;

    @Option(
        names = "--to",
        paramLabel = "TIME",
        description =
            "End of the period, excluded: an instant, or a UTC date (that whole day included)."
                + " Default: now.")
    String to;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "The folder to write the report in (created when missing).")
    Path out;

    @Option(
        names = "--prediction",
        paramLabel = "REQUEST_ID",
        description = "A prediction's request id: its entry and inclusion proof go in the report.")
    List<String> predictions = new ArrayList<>();

    @Option(
        names = "--pdf",
        defaultValue = "auto",
        paramLabel = "auto|on|off",
        converter = PdfConverter.class,
        description =
            "Print report.pdf with chromium, chromium-browser or google-chrome: auto (when one is"
                + " on PATH; the default), on (fail without one) or off.")
    EvidenceExport.Pdf pdf;

    @Option(
        names = "--png",
        description = "Also render the report's first page to report.png (needs the browser).")
    boolean png;

    @Override
    public Integer call() {
      Instant start = from == null ? Instant.EPOCH : instant("--from", from, false);
      Instant end = to == null ? Instant.now() : instant("--to", to, true);
      if (!start.isBefore(end)) {
        throw new ParameterException(
            spec.commandLine(),
            "--from " + start + " is not before --to " + end + ": the period is empty");
      }
      EvidenceExport.Result result =
          EvidenceExport.run(
              new EvidenceExport.Request(
                  data.config(), model, start, end, out, predictions, pdf, png),
              Clock.systemUTC());
      System.out.println("vigil: " + result.summary());
      result.files().forEach(f -> System.out.println("wrote " + f));
      return 0;
    }

    private Instant instant(String option, String value, boolean endOfDay) {
      try {
        return Instant.parse(value);
      } catch (DateTimeParseException notAnInstant) {
        try {
          LocalDate day = LocalDate.parse(value);
          return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADate) {
          throw new ParameterException(
              spec.commandLine(),
              "Invalid value for option '"
                  + option
                  + "': '"
                  + value
                  + "' is neither an ISO-8601 instant (2026-12-01T08:00:00Z) nor a date"
                  + " (2026-12-01)");
        }
      }
    }
  }

  /** Reads {@code auto}, {@code on} and {@code off}. */
  static final class PdfConverter
      implements picocli.CommandLine.ITypeConverter<EvidenceExport.Pdf> {
    @Override
    public EvidenceExport.Pdf convert(String value) {
      return switch (value) {
        case "auto" -> EvidenceExport.Pdf.AUTO;
        case "on" -> EvidenceExport.Pdf.ON;
        case "off" -> EvidenceExport.Pdf.OFF;
        default ->
            throw new picocli.CommandLine.TypeConversionException(
                "'" + value + "' is not auto, on or off");
      };
    }
  }
}
