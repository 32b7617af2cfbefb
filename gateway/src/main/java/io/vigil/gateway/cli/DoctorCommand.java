package io.vigil.gateway.cli;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.doctor.Doctor;
import io.vigil.gateway.doctor.Report;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil doctor}: checks an installation and says what to fix; changes nothing. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description =
        "Check this installation (configuration, data directory, keys, trust roots, ports, disk,"
            + " ledger, clock, native libraries) and say what to fix. Changes nothing; exit 0"
            + " unless a check FAILs. Without --config: "
            + "/etc/vigil/vigil.yaml and /var/lib/vigil if that file exists, else the defaults.")
final class DoctorCommand implements Callable<Integer> {

  @Mixin DataDirOptions data;

  @Option(names = "--json", description = "Print the findings as one JSON object.")
  boolean json;

  @Option(
      names = "--full",
      description = "Also verify the whole ledger, every entry and checkpoint (slow on a big one).")
  boolean full;

  @Override
  public Integer call() {
    Doctor doctor =
        data.configFile == null ? Doctor.forThisMachine() : Doctor.forConfig(data.configFile);
    if (data.dataDir != null) {
      doctor = doctor.withDataDir(data.dataDir);
    }
    if (full) {
      doctor = doctor.withFullVerify();
    }
    Report report = doctor.examine();
    System.out.print(json ? report.json() + "\n" : report.text());
    System.out.flush();
    if (report.failed()) {
      throw new GatewayException(
          GatewayException.Code.CHECK_FAILED,
          "doctor: "
              + report.findings().stream()
                  .filter(f -> f.status() == io.vigil.gateway.doctor.Finding.Status.FAIL)
                  .count()
              + " check(s) FAILed; each says what to fix");
    }
    return 0;
  }
}
