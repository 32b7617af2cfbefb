package io.vigil.gateway.doctor;

import java.util.List;

/** One concern of {@code vigil doctor}; it reads and never writes. */
interface Check {

  /** What this check finds about the installation, at least one finding. */
  List<Finding> run(Installation in);
}
