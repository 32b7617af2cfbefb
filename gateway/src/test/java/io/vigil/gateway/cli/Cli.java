package io.vigil.gateway.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the {@code vigil} command line in this JVM and captures what it prints. */
public final class Cli {

  /** What a command returned and printed. */
  public record Result(int status, String out, String err) {}

  private Cli() {}

  /** Runs {@code vigil ARGS} with nothing on standard input. */
  public static Result run(String... args) {
    return runWithInput("", args);
  }

  /** Runs {@code vigil ARGS} with {@code stdin} on standard input. */
  public static Result runWithInput(String stdin, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    InputStream in = System.in;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      int status = Vigil.run(args);
      System.out.flush();
      return new Result(
          status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
      System.setIn(in);
    }
  }
}
