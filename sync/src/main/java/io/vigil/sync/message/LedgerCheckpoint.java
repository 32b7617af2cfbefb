package io.vigil.sync.message;

import java.util.regex.Pattern;

/**
 * The latest signed ledger checkpoint, as the audit module's {@code Checkpoint.note()} gives it: a
 * C2SP signed note over a tlog-checkpoint body. It is checked for that shape only (origin line,
 * tree size, base64 root hash, a blank line, signature lines), so that nothing else fits in; the
 * receiver verifies the signature with the audit module.
 */
public record LedgerCheckpoint(String note) {

  /** Longer than any checkpoint Vigil signs: a few signature lines. */
  public static final int MAX_LENGTH = 2048;

  private static final Pattern SHAPE =
      Pattern.compile(
          "[\\x21-\\x7e][\\x20-\\x7e]{0,254}\\n[0-9]{1,19}\\n[A-Za-z0-9+/]{43}=\\n\\n"
              + "(\\u2014 [\\x21-\\x7e]{1,255} [A-Za-z0-9+/]+={0,2}\\n)+");

  public LedgerCheckpoint {
    if (note.length() > MAX_LENGTH || !SHAPE.matcher(note).matches()) {
      throw new IllegalArgumentException(
          "not a C2SP signed checkpoint note (origin, size, root hash, blank line, signatures)");
    }
  }

  /** The tree size the checkpoint signs, its second line. */
  public long size() {
    int start = note.indexOf('\n') + 1;
    return Long.parseLong(note.substring(start, note.indexOf('\n', start)));
  }
}
