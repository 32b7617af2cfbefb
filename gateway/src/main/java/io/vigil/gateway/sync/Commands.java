package io.vigil.gateway.sync;

import io.vigil.audit.EventEntry;
import io.vigil.gateway.ledger.Events;
import io.vigil.sync.command.Command;
import io.vigil.sync.command.CommandException;
import io.vigil.sync.command.CommandVerifier;
import io.vigil.trust.TrustException;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.Root;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The manufacturer's commands as they arrive: each verified against the newest trusted root of
 * {@code sync.repository}, carried out, then accepted; every refusal recorded in the ledger, logged
 * and told upstream as a {@code command_refused} event (the command's name and the code, no free
 * text). Runs on the sync worker.
 *
 * <p>A demonstration root's keys are public, so under one ({@code sync.repository: demo}) a command
 * that names a model is carried out only on a demonstration model: one whose every loaded version
 * is marked {@code demo}; any other is refused {@code DEMO_ROOT}.
 */
final class Commands {

  private static final Logger LOG = System.getLogger(Commands.class.getName());

  /** The code of a command refused because a demonstration root may not touch this model. */
  static final String DEMO_ROOT = "DEMO_ROOT";

  private final CommandVerifier verifier;
  private final Path repositoryDir;
  private final Consumer<EventEntry> record;
  private final SyncService.Operations operations;
  private final Runnable summaryNow;
  private final BiConsumer<String, String> upstream;
  private final String topic;
  private final Predicate<String> demoModel;

  Commands(
      CommandVerifier verifier,
      Path repositoryDir,
      Consumer<EventEntry> record,
      SyncService.Operations operations,
      Runnable summaryNow,
      BiConsumer<String, String> upstream,
      String topic,
      Predicate<String> demoModel) {
    this.demoModel = demoModel;
    this.verifier = verifier;
    this.repositoryDir = repositoryDir;
    this.record = record;
    this.operations = operations;
    this.summaryNow = summaryNow;
    this.upstream = upstream;
    this.topic = topic;
  }

  void handle(String from, byte[] envelope) {
    Command command;
    Root root;
    try {
      root = newestRoot();
      command = verifier.verify(envelope, root);
    } catch (CommandException e) {
      refuse(e.code().name(), e.code().reason() + ": " + e.getMessage(), "unverified", from);
      return;
    }
    String model = command.arguments().get("model");
    if (root.demo() && model != null && !demoModel.test(model)) {
      refuse(
          DEMO_ROOT,
          "the trusted root is a demonstration root, whose keys are public; "
              + model
              + " is not a demonstration model",
          command.name().wire(),
          from);
      verifier.accept(command);
      return;
    }
    String actor = "command:" + command.id();
    switch (command.name()) {
      case SUMMARY_NOW -> summaryNow.run();
      case RESUME -> {
        try {
          operations.resume(
              command.arguments().get("model"),
              Optional.ofNullable(command.arguments().get("version")),
              actor,
              "resumed by the manufacturer's command " + command.id());
        } catch (RuntimeException e) {
          refuse("FAILED", "resume failed: " + e.getMessage(), command.name().wire(), from);
          verifier.accept(command);
          return;
        }
      }
      case SUSPEND -> {
        try {
          operations.suspend(
              command.arguments().get("model"),
              Optional.ofNullable(command.arguments().get("version")),
              actor,
              "suspended by the manufacturer's command " + command.id());
        } catch (RuntimeException e) {
          refuse("FAILED", "suspend failed: " + e.getMessage(), command.name().wire(), from);
          verifier.accept(command);
          return;
        }
      }
      case ROLLBACK -> {
        try {
          operations.rollback(
              command.arguments().get("model"),
              command.arguments().get("version"),
              command.arguments().get("sha256"),
              actor,
              "rolled back by the manufacturer's command " + command.id());
        } catch (RuntimeException e) {
          refuse("FAILED", "rollback failed: " + e.getMessage(), command.name().wire(), from);
          verifier.accept(command);
          return;
        }
      }
    }
    verifier.accept(command);
    record.accept(
        Events.commandExecuted(
            command.name().wire(), command.id(), command.counter(), command.arguments()));
    LOG.log(Level.INFO, "executed the manufacturer's command " + command.name().wire());
  }

  private void refuse(String code, String reason, String command, String from) {
    LOG.log(Level.WARNING, "refused a command on " + from + " (" + code + "): " + reason);
    record.accept(Events.commandRefused(code, reason, command, topic));
    upstream.accept(command, code);
  }

  /** The root that {@code trust.dir/<repository>/root.json} holds: the newest trusted one. */
  private Root newestRoot() {
    Path file = repositoryDir.resolve("root.json");
    try {
      return Metadata.root(Files.readAllBytes(file)).signed();
    } catch (IOException | TrustException e) {
      throw new CommandException(
          CommandException.Code.NO_COMMAND_KEY,
          "no trusted root at " + file + ": " + e.getMessage(),
          e);
    }
  }
}
