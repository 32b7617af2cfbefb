package io.vigil.audit;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where tests put the faults that the operating system cannot produce on demand (a failed {@code
 * fsync}, a full disk where no small file system can be mounted); production runs with {@link
 * #NONE}.
 */
interface WriterHooks {

  WriterHooks NONE = new WriterHooks() {};

  /** Runs on each writing connection the writer opens, before the writer uses it. */
  default void opened(Connection c) throws SQLException {}

  /** Runs after each {@code COMMIT} returned, as if its sync had failed only then. */
  default void committed() throws SQLException {}
}
