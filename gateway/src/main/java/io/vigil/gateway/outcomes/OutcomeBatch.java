package io.vigil.gateway.outcomes;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.gateway.GatewayException;
import io.vigil.monitoring.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A batch of outcomes as devices and {@code vigil outcomes import} send it, a JSON array of {@code
 * {"id": request id, "outcome": label, "subgroup"?: name}}, and the answer it gets: each item
 * accepted with the ledger entry that records it, or refused with why.
 */
public final class OutcomeBatch {

  /** The most outcomes one request may carry. */
  public static final int MAX_ITEMS = 10_000;

  /** One outcome as sent; {@code subgroup} is {@link Outcome#NO_SUBGROUP} when it names none. */
  public record Item(String id, String outcome, String subgroup) {
    public Item {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(subgroup, "subgroup");
    }
  }

  /** What became of one item: accepted as ledger entry {@code seq}, or refused ({@code seq} -1). */
  public record Result(String id, boolean accepted, long seq, String message) {

    static Result accepted(String id, long seq) {
      return new Result(id, true, seq, "");
    }

    static Result refused(String id, String message) {
      return new Result(id, false, -1, message);
    }
  }

  private OutcomeBatch() {}

  /**
   * The items of a request body.
   *
   * @throws GatewayException {@code DATA_INVALID}, naming the item and field, when the body is not
   *     such an array; nothing of a malformed batch is kept
   */
  public static List<Item> parse(Buffer body) {
    JsonArray array;
    try {
      array = new JsonArray(body);
    } catch (DecodeException | ClassCastException e) {
      throw invalid("the body is not a JSON array of {\"id\", \"outcome\"} objects");
    }
    if (array.isEmpty()) {
      throw invalid("the batch is empty");
    }
    if (array.size() > MAX_ITEMS) {
      throw invalid("a batch holds at most " + MAX_ITEMS + " outcomes, not " + array.size());
    }
    List<Item> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject o)) {
        throw invalid("item " + i + " is not an object");
      }
      items.add(new Item(text(o, i, "id"), text(o, i, "outcome"), subgroup(o, i)));
    }
    return items;
  }

  /** The answer: counts, then one result per item in the order sent. */
  public static JsonObject answer(String modelId, List<Result> results) {
    JsonArray each = new JsonArray();
    long accepted = 0;
    for (Result r : results) {
      JsonObject one = new JsonObject().put("id", r.id());
      if (r.accepted()) {
        accepted++;
        one.put("status", "accepted").put("seq", r.seq());
      } else {
        one.put("status", "refused").put("message", r.message());
      }
      each.add(one);
    }
    return new JsonObject()
        .put("model_name", modelId)
        .put("accepted", accepted)
        .put("refused", results.size() - accepted)
        .put("results", each);
  }

  private static String text(JsonObject o, int i, String field) {
    Object v = o.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw invalid("item " + i + ": \"" + field + "\" must be a non-empty string");
    }
    return s;
  }

  private static String subgroup(JsonObject o, int i) {
    return o.containsKey("subgroup") ? text(o, i, "subgroup") : Outcome.NO_SUBGROUP;
  }

  private static GatewayException invalid(String message) {
    return new GatewayException(GatewayException.Code.DATA_INVALID, message);
  }
}
