package io.vigil.gateway.doctor;

import ai.onnxruntime.OrtEnvironment;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The native libraries, loaded in this process as the gateway loads them: SQLite (an in-memory
 * database) and ONNX Runtime (its environment).
 */
final class NativesCheck {

  static final String NAME = "natives";

  private NativesCheck() {}

  static List<Finding> run() {
    return List.of(sqlite(), onnxRuntime());
  }

  private static Finding sqlite() {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT sqlite_version()")) {
      r.next();
      return Finding.ok(NAME, "SQLite " + r.getString(1) + " loads");
    } catch (SQLException | LinkageError e) {
      return Finding.fail(
          NAME,
          "the SQLite native library does not load: " + e,
          "make java.io.tmpdir executable (not mounted noexec) or set -Dorg.sqlite.tmpdir to a"
              + " directory that is");
    }
  }

  private static Finding onnxRuntime() {
    try {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      return Finding.ok(NAME, "ONNX Runtime " + env.getVersion() + " loads");
    } catch (RuntimeException | LinkageError e) {
      return Finding.fail(
          NAME,
          "the ONNX Runtime native library does not load: " + e,
          "install the package's natives (/usr/lib/vigil/libonnxruntime.so) or set"
              + " -Donnxruntime.native.path; check java.io.tmpdir is not mounted noexec");
    }
  }
}
