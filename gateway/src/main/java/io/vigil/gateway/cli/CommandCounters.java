package io.vigil.gateway.cli;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * The last command counter sent to each (fleet, gateway), in {@code <first key file>.counters} next
 * to the command key: a gateway refuses a counter that does not grow, so the next one is taken and
 * saved (fsynced, atomically replaced) before the command is sent, and never used twice.
 */
final class CommandCounters {

  private final Path file;

  private CommandCounters(Path file) {
    this.file = file;
  }

  /** The counters kept beside {@code keyFile}. */
  static CommandCounters beside(Path keyFile) {
    return new CommandCounters(keyFile.resolveSibling(keyFile.getFileName() + ".counters"));
  }

  Path file() {
    return file;
  }

  /**
   * Saves and returns the counter of the next command to {@code gateway}: one more than the last,
   * or {@code requested} when given, which must be higher than the last.
   */
  long next(String fleet, String gateway, long requested) {
    Properties counters = read();
    String key = fleet + "/" + gateway;
    long last = Long.parseLong(counters.getProperty(key, "0"));
    long next = requested > 0 ? requested : last + 1;
    if (next <= last) {
      throw new GatewayException(
          Code.DATA_INVALID,
          "--counter "
              + next
              + " is not above "
              + last
              + ", the last counter sent to "
              + key
              + " ("
              + file
              + "): the gateway would refuse it as a replay");
    }
    counters.setProperty(key, Long.toString(next));
    write(counters);
    return next;
  }

  private Properties read() {
    Properties counters = new Properties();
    if (Files.exists(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        counters.load(in);
      } catch (IOException | IllegalArgumentException e) {
        throw new GatewayException(Code.IO_FAILED, "cannot read " + file + ": " + e, e);
      }
    }
    return counters;
  }

  private void write(Properties counters) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      StringWriter text = new StringWriter();
      counters.store(text, "vigil fleet command: the last counter sent to each fleet/gateway");
      Files.writeString(tmp, text.toString(), StandardCharsets.UTF_8);
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new GatewayException(Code.IO_FAILED, "cannot write " + file + ": " + e, e);
    }
  }
}
