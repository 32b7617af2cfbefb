package io.vigil.gateway.cli;

import io.vigil.audit.Checkpoint;
import io.vigil.audit.ConsistencyProof;
import io.vigil.audit.EntryProof;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.VerifierKey;
import io.vigil.audit.VerifyReport;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.inference.store.ModelStore;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil audit}: check the ledger, prove entries, export and replay them. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "Verify the prediction ledger, prove entries, export them, replay them, and recover a"
            + " damaged one.",
    subcommands = {
      AuditCommand.Verify.class,
      AuditCommand.Prove.class,
      AuditCommand.CheckProof.class,
      AuditCommand.Consistency.class,
      AuditCommand.CheckConsistency.class,
      AuditCommand.Export.class,
      AuditCommand.ReplayCommand.class,
      RecoverCommand.class
    })
final class AuditCommand {

  /** Options every subcommand that reads the gateway's ledger shares. */
  static class LedgerOptions {
    @Mixin DataDirOptions data;

    @Option(
        names = "--key",
        paramLabel = "VKEY",
        description =
            "The gateway's verifier key (name+id+key), e.g. the manufacturer's copy; default: the public key in the data directory.")
    String key;

    LedgerReader open() {
      Path db = Ledgers.database(data.config().dataDir());
      if (!Files.isRegularFile(db)) {
        throw new GatewayException(GatewayException.Code.NOT_FOUND, "no ledger at " + db);
      }
      return LedgerReader.open(db);
    }

    VerifierKey verifierKey(LedgerReader reader) {
      if (key != null) {
        return VerifierKey.parse(key);
      }
      return Ledgers.verifierKey(data.config().dataDir(), reader.origin());
    }
  }

  /** {@code vigil audit verify}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Recompute the tree, check every entry, node and checkpoint; exit 0 only if all hold.")
  static final class Verify extends LedgerOptions implements Callable<Integer> {
    @Option(
        names = "--checkpoint",
        paramLabel = "FILE",
        description =
            "A signed checkpoint held elsewhere (the manufacturer's copy): detects a truncated or restored ledger.")
    Path held;

    @Override
    public Integer call() throws IOException {
      try (LedgerReader reader = open()) {
        VerifierKey k = verifierKey(reader);
        VerifyReport report =
            held == null
                ? reader.verify(k)
                : reader.verify(
                    k, Checkpoint.open(Files.readString(held, StandardCharsets.UTF_8), k));
        System.out.println(report);
        return report.ok() ? 0 : Vigil.EXIT_FAILED;
      }
    }
  }

  /** {@code vigil audit prove SEQ}. */
  @Command(
      name = "prove",
      mixinStandardHelpOptions = true,
      description =
          "Print entry SEQ with its inclusion proof against the latest signed checkpoint (JSON).")
  static final class Prove extends LedgerOptions implements Callable<Integer> {
    @Parameters(paramLabel = "SEQ", description = "The entry's sequence number.")
    long seq;

    @Override
    public Integer call() {
      try (LedgerReader reader = open()) {
        System.out.println(reader.prove(seq).toJson());
        return 0;
      }
    }
  }

  /** {@code vigil audit check-proof FILE}. */
  @Command(
      name = "check-proof",
      mixinStandardHelpOptions = true,
      description =
          "Check an inclusion proof from 'prove' or 'export' without the database: signature, entry hash and path.")
  static final class CheckProof implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The proof (JSON), or - for standard input.")
    String file;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "VKEY",
        description = "The gateway's verifier key, as 'vigil identity' prints it.")
    String key;

    @Override
    public Integer call() throws IOException {
      EntryProof proof = EntryProof.check(read(file), VerifierKey.parse(key));
      System.out.println(
          "ok: entry "
              + proof.inclusion().leafIndex()
              + " is in the tree of size "
              + proof.inclusion().treeSize()
              + " signed by "
              + proof.checkpoint().origin());
      return 0;
    }
  }

  /** {@code vigil audit consistency OLD NEW}. */
  @Command(
      name = "consistency",
      mixinStandardHelpOptions = true,
      description =
          "Print a consistency proof that the tree of size NEW extends the tree of size OLD (JSON).")
  static final class Consistency extends LedgerOptions implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OLD")
    long oldSize;

    @Parameters(index = "1", paramLabel = "NEW")
    long newSize;

    @Override
    public Integer call() {
      try (LedgerReader reader = open()) {
        System.out.println(reader.consistencyProof(oldSize, newSize).toJson());
        return 0;
      }
    }
  }

  /** {@code vigil audit check-consistency}. */
  @Command(
      name = "check-consistency",
      mixinStandardHelpOptions = true,
      description =
          "Check a consistency proof between two signed checkpoints without the database.")
  static final class CheckConsistency implements Callable<Integer> {
    @Parameters(
        index = "0",
        paramLabel = "PROOF",
        description = "The proof from 'consistency' (JSON), or - for standard input.")
    String proof;

    @Option(
        names = "--old",
        required = true,
        paramLabel = "FILE",
        description = "The older signed checkpoint.")
    Path older;

    @Option(
        names = "--new",
        required = true,
        paramLabel = "FILE",
        description = "The newer signed checkpoint.")
    Path newer;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "VKEY",
        description = "The gateway's verifier key.")
    String key;

    @Override
    public Integer call() throws IOException {
      ConsistencyProof p = ConsistencyProof.fromJson(read(proof));
      p.check(
          Files.readString(older, StandardCharsets.UTF_8),
          Files.readString(newer, StandardCharsets.UTF_8),
          VerifierKey.parse(key));
      System.out.println(
          "ok: the tree of size " + p.newSize() + " extends the tree of size " + p.oldSize());
      return 0;
    }
  }

  /** {@code vigil audit export}. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Write entries FROM..TO-1 as JSON Lines, each with its inclusion proof.")
  static final class Export extends LedgerOptions implements Callable<Integer> {
    @Option(names = "--from", defaultValue = "0", paramLabel = "SEQ")
    long from;

    @Option(
        names = "--to",
        paramLabel = "SEQ",
        description = "Exclusive; default: all that the latest checkpoint covers.")
    Optional<Long> to;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE",
        description = "Default: standard output.")
    Path out;

    @Override
    public Integer call() throws IOException {
      try (LedgerReader reader = open();
          Writer w =
              out == null
                  ? new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                  : Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        long end = to.orElse(reader.latestCheckpoint().map(Checkpoint::size).orElse(0L));
        long n = reader.export(from, end, w);
        System.err.println("vigil: exported " + n + " entries");
        return 0;
      }
    }
  }

  /** {@code vigil audit replay}. */
  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description =
          "Re-run stored inputs through the recorded bundle version and report every output that differs.")
  static final class ReplayCommand extends LedgerOptions implements Callable<Integer> {
    @Option(names = "--from", defaultValue = "0", paramLabel = "SEQ")
    long from;

    @Option(
        names = "--to",
        paramLabel = "SEQ",
        description = "Exclusive; default: the end of the ledger.")
    Optional<Long> to;

    @Override
    public Integer call() {
      VigilConfig config = data.config();
      try (LedgerReader reader = open()) {
        Replay.Report report =
            Replay.run(reader, ModelStore.open(config.dataDir()), from, to.orElse(reader.size()));
        System.out.print(report);
        return report.ok() ? 0 : Vigil.EXIT_FAILED;
      }
    }
  }

  static String read(String file) throws IOException {
    if (file.equals("-")) {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new GatewayException(
          GatewayException.Code.IO_FAILED, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
