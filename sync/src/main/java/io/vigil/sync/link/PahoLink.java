package io.vigil.sync.link;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vigil.sync.link.LinkException.Code;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.util.MqttTopicValidator;

/**
 * {@link MqttLink} on Paho v5, one client per connection. All state lives on one Vert.x context;
 * Paho's callbacks come back to it, and its calls that may block run on a named worker executor.
 *
 * <p>A lost connection retires its client: what it had in flight fails with {@code CONNECTION_LOST}
 * and stays with the caller, and the next connection starts with a fresh client that resends
 * nothing. Paho's own resend would duplicate the caller's, and it resends a message kept with only
 * its topic alias, which the broker answers with DISCONNECT 130, in a loop (Paho issues 916, 1104).
 * The broker still keeps the session: subscriptions and what it queued for us.
 */
final class PahoLink implements MqttLink {

  private static final Logger LOG = System.getLogger(PahoLink.class.getName());
  private static final byte[] ONLINE = "online".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.US_ASCII);
  private static final int QOS = 1;
  private static final int MQTT_DEFAULT_RECEIVE_MAXIMUM = 65_535;
  private static final long CLOSE_TIMEOUT_MILLIS = 5_000;
  private static final String SHARE_PREFIX = "$share/";

  private enum State {
    NEW,
    CONNECTING,
    UP,
    WAITING,
    CLOSED
  }

  private record Pending(String topic, byte[] payload, boolean retained, Promise<Void> promise) {}

  private record Subscription(Handler<Message> handler, List<Promise<Void>> waiting) {}

  private final Vertx vertx;
  private final Context context;
  private final LinkOptions options;
  private final WorkerExecutor worker;
  private MqttAsyncClient client;
  private final MqttConnectionOptions connectOptions;
  private final Backoff backoff;
  private final Promise<Void> connected = Promise.promise();
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private final Set<Promise<Void>> inFlight = new HashSet<>();
  private volatile State state = State.NEW;
  private volatile Handler<Void> upHandler = v -> {};
  private volatile Handler<LinkException> downHandler = e -> {};
  private int permits;
  private int attempt;
  private long timer = -1;
  private Future<Void> closed;

  private PahoLink(Vertx vertx, LinkOptions options, MqttAsyncClient client) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.client = client;
    this.worker = vertx.createSharedWorkerExecutor("vigil-mqtt-link", 2);
    this.connectOptions = connectOptions(options);
    this.backoff =
        new Backoff(options.reconnectBase(), options.reconnectCap(), ThreadLocalRandom.current());
  }

  static PahoLink create(Vertx vertx, LinkOptions options) {
    return new PahoLink(vertx, options, newClient(options));
  }

  private static MqttAsyncClient newClient(LinkOptions options) {
    try {
      // In memory: the caller's outbox is what survives a restart, not Paho's files.
      return new MqttAsyncClient(options.serverUri(), options.clientId(), new MemoryPersistence());
    } catch (MqttException e) {
      throw new IllegalArgumentException("serverUri or clientId refused: " + e.getMessage(), e);
    }
  }

  private static MqttConnectionOptions connectOptions(LinkOptions options) {
    MqttConnectionOptions o = new MqttConnectionOptions();
    // cleanStart=false keeps nothing in MQTT 5 without a session expiry (Paho issue 1048).
    o.setCleanStart(false);
    o.setSessionExpiryInterval(options.sessionExpiry().toSeconds());
    o.setKeepAliveInterval((int) Math.min(Integer.MAX_VALUE, options.keepAlive().toSeconds()));
    o.setConnectionTimeout(
        (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.connectTimeout().toSeconds())));
    // Ours instead: Paho's never retries a failed first connect (930), ignores its delay (864).
    o.setAutomaticReconnect(false);
    o.setWill(options.statusTopic(), new MqttMessage(OFFLINE, QOS, true, new MqttProperties()));
    options
        .tls()
        .ifPresent(
            files -> {
              o.setSocketFactory(PemTls.socketFactory(files));
              o.setHttpsHostnameVerificationEnabled(true);
            });
    return o;
  }

  @Override
  public Future<Void> start() {
    return onContext(
        () -> {
          if (state == State.CLOSED) {
            return Future.failedFuture(new LinkException(Code.CLOSED, "link closed"));
          }
          if (state == State.NEW) {
            attempt();
          }
          return Future.succeededFuture();
        });
  }

  @Override
  public Future<Void> connected() {
    return connected.future();
  }

  @Override
  public boolean isConnected() {
    return state == State.UP;
  }

  @Override
  public MqttLink upHandler(Handler<Void> handler) {
    this.upHandler = handler;
    return this;
  }

  @Override
  public MqttLink downHandler(Handler<LinkException> handler) {
    this.downHandler = handler;
    return this;
  }

  @Override
  public Future<Void> publish(String topic, byte[] payload, boolean retained) {
    byte[] bytes = payload.clone();
    return onContext(
        () -> {
          if (state != State.UP) {
            return Future.failedFuture(notUp());
          }
          Pending pending = new Pending(topic, bytes, retained, Promise.promise());
          if (permits > 0) {
            send(pending);
          } else {
            waiting.add(pending);
          }
          return pending.promise().future();
        });
  }

  @Override
  public Future<Void> subscribe(String topicFilter, Handler<Message> handler) {
    MqttTopicValidator.validate(topicFilter, true, true);
    return onContext(
        () -> {
          if (state == State.CLOSED) {
            return Future.failedFuture(notUp());
          }
          Promise<Void> promise = Promise.promise();
          Subscription subscription = new Subscription(handler, new ArrayList<>());
          subscription.waiting().add(promise);
          subscriptions.put(topicFilter, subscription);
          if (state == State.UP) {
            subscribeNow(topicFilter);
          }
          return promise.future();
        });
  }

  @Override
  public Future<Void> unsubscribe(String topicFilter, Handler<Message> handler) {
    return onContext(
        () -> {
          Subscription subscription = subscriptions.get(topicFilter);
          if (subscription == null || subscription.handler() != handler) {
            return Future.succeededFuture();
          }
          subscriptions.remove(topicFilter);
          LinkException gone = new LinkException(Code.CLOSED, "unsubscribed from " + topicFilter);
          subscription.waiting().forEach(p -> p.tryFail(gone));
          if (state == State.UP) {
            try {
              client.unsubscribe(topicFilter);
            } catch (MqttException e) {
              LOG.log(Level.DEBUG, "UNSUBSCRIBE " + topicFilter + " failed: " + e);
            }
          }
          return Future.succeededFuture();
        });
  }

  @Override
  public Future<Void> close() {
    return onContext(
        () -> {
          if (closed != null) {
            return closed;
          }
          State was = state;
          state = State.CLOSED;
          if (timer != -1) {
            vertx.cancelTimer(timer);
          }
          LinkException closing = new LinkException(Code.CLOSED, "link closed");
          waiting.forEach(p -> p.promise().tryFail(closing));
          waiting.clear();
          connected.tryFail(closing);
          Future<Void> offline =
              was == State.UP
                  ? sendStatus(OFFLINE)
                      .timeout(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                      .recover(e -> Future.succeededFuture())
                  : Future.succeededFuture();
          closed =
              offline
                  .compose(v -> retire(client))
                  .onComplete(r -> List.copyOf(inFlight).forEach(p -> p.tryFail(closing)))
                  .eventually(worker::close)
                  .mapEmpty();
          return closed;
        });
  }

  /** Disconnects (cleanly, if it still can) and closes a client on the worker; never fails. */
  private Future<Void> retire(MqttAsyncClient retired) {
    if (retired == null) {
      return Future.succeededFuture();
    }
    if (retired == client) {
      client = null;
    }
    return worker
        .executeBlocking(
            () -> {
              try {
                if (retired.isConnected()) {
                  // A clean DISCONNECT: the broker drops the will; the status says "offline"
                  // already.
                  retired.disconnect(CLOSE_TIMEOUT_MILLIS).waitForCompletion(CLOSE_TIMEOUT_MILLIS);
                }
              } catch (MqttException e) {
                LOG.log(Level.DEBUG, "MQTT disconnect failed: {0}", e.getMessage());
              }
              try {
                retired.close(true);
              } catch (MqttException e) {
                LOG.log(Level.DEBUG, "MQTT client close failed: {0}", e.getMessage());
              }
              return null;
            },
            false)
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  private void attempt() {
    state = State.CONNECTING;
    int current = ++attempt;
    if (client == null) {
      client = newClient(options);
    }
    MqttAsyncClient connecting = client;
    connecting.setCallback(new Callbacks(connecting));
    worker
        .executeBlocking(
            () ->
                connecting.connect(
                    connectOptions,
                    null,
                    new MqttActionListener() {
                      @Override
                      public void onSuccess(IMqttToken token) {
                        context.runOnContext(v -> onConnected(current, token));
                      }

                      @Override
                      public void onFailure(IMqttToken token, Throwable failure) {
                        context.runOnContext(v -> onConnectFailed(current, failure));
                      }
                    }),
            false)
        .onFailure(failure -> onConnectFailed(current, failure));
  }

  private void onConnected(int current, IMqttToken token) {
    if (current != attempt || state != State.CONNECTING) {
      return;
    }
    state = State.UP;
    backoff.reset();
    MqttProperties properties = token.getResponseProperties();
    Integer receiveMaximum = properties == null ? null : properties.getReceiveMaximum();
    // Messages still in flight from the last connection are resent by Paho and count again.
    int window = receiveMaximum == null ? MQTT_DEFAULT_RECEIVE_MAXIMUM : receiveMaximum;
    permits = window;
    LOG.log(Level.INFO, "MQTT link up: {0} (receive maximum {1})", options.serverUri(), window);
    Integer aliases = properties == null ? null : properties.getTopicAliasMaximum();
    if (aliases != null && aliases > 0) {
      LOG.log(
          Level.WARNING,
          "broker {0} offers {1} topic aliases; Paho will use them (see LinkOptions)",
          options.serverUri(),
          aliases);
    }
    sendStatus(ONLINE)
        .onFailure(e -> LOG.log(Level.WARNING, "online status not sent: {0}", e.getMessage()));
    subscriptions.keySet().forEach(this::subscribeNow);
    upHandler.handle(null);
    connected.tryComplete();
  }

  private void onConnectFailed(int current, Throwable failure) {
    if (current != attempt || state != State.CONNECTING) {
      return;
    }
    LinkException down = Failures.ofConnect(failure, options.tls().isPresent());
    LOG.log(Level.WARNING, "MQTT link to {0} failed: {1}", options.serverUri(), down.getMessage());
    retire(client);
    downHandler.handle(down);
    retryLater();
  }

  private void onLost(String why, Throwable cause) {
    if (state != State.UP) {
      return;
    }
    LinkException down = new LinkException(Code.CONNECTION_LOST, "connection lost: " + why, cause);
    LOG.log(Level.WARNING, "MQTT link to {0} lost: {1}", options.serverUri(), why);
    retire(client);
    waiting.forEach(p -> p.promise().tryFail(notUp()));
    waiting.clear();
    LinkException unacknowledged =
        new LinkException(Code.CONNECTION_LOST, "connection lost before the broker acknowledged");
    List.copyOf(inFlight).forEach(p -> p.tryFail(unacknowledged));
    inFlight.clear();
    downHandler.handle(down);
    retryLater();
  }

  private void retryLater() {
    state = State.WAITING;
    long delay = backoff.nextDelayMillis();
    timer =
        vertx.setTimer(
            delay,
            id -> {
              timer = -1;
              if (state == State.WAITING) {
                attempt();
              }
            });
  }

  private Future<Void> sendStatus(byte[] status) {
    Pending pending = new Pending(options.statusTopic(), status, true, Promise.promise());
    send(pending);
    return pending.promise().future();
  }

  private void send(Pending pending) {
    permits--;
    inFlight.add(pending.promise());
    try {
      client.publish(
          pending.topic(),
          pending.payload(),
          QOS,
          pending.retained(),
          pending,
          new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              int[] codes = token.getReasonCodes();
              context.runOnContext(v -> acknowledged(pending, codes));
            }

            @Override
            public void onFailure(IMqttToken token, Throwable failure) {
              context.runOnContext(v -> released(pending, Failures.ofPublish(failure)));
            }
          });
    } catch (MqttException e) {
      released(pending, Failures.ofPublish(e));
    }
  }

  private void acknowledged(Pending pending, int[] reasonCodes) {
    if (reasonCodes != null && reasonCodes.length > 0 && reasonCodes[0] >= 0x80) {
      released(
          pending,
          new LinkException(
              Code.NOT_ACKNOWLEDGED,
              "PUBACK on " + pending.topic() + " with reason " + reasonCodes[0]));
    } else {
      released(pending, null);
    }
  }

  private void released(Pending pending, LinkException failure) {
    if (!inFlight.remove(pending.promise())) {
      return;
    }
    if (failure == null) {
      pending.promise().tryComplete();
    } else {
      pending.promise().tryFail(failure);
    }
    if (state == State.UP) {
      permits++;
      Pending next = waiting.poll();
      if (next != null) {
        send(next);
      }
    }
  }

  private void subscribeNow(String topicFilter) {
    try {
      client.subscribe(
          topicFilter,
          QOS,
          null,
          new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              int[] codes = token.getReasonCodes();
              context.runOnContext(v -> subscribed(topicFilter, codes, null));
            }

            @Override
            public void onFailure(IMqttToken token, Throwable failure) {
              context.runOnContext(v -> subscribed(topicFilter, null, failure));
            }
          });
    } catch (MqttException e) {
      subscribed(topicFilter, null, e);
    }
  }

  private void subscribed(String topicFilter, int[] reasonCodes, Throwable failure) {
    Subscription subscription = subscriptions.get(topicFilter);
    if (subscription == null) {
      return;
    }
    LinkException refused = null;
    if (failure != null) {
      refused = Failures.ofPublish(failure);
    } else if (reasonCodes != null && reasonCodes.length > 0 && reasonCodes[0] >= 0x80) {
      refused =
          new LinkException(
              Code.NOT_ACKNOWLEDGED,
              "subscription to " + topicFilter + " refused, reason " + reasonCodes[0]);
    }
    if (refused != null) {
      LOG.log(Level.WARNING, "MQTT subscription failed: {0}", refused.getMessage());
    }
    for (Promise<Void> promise : subscription.waiting()) {
      if (refused == null) {
        promise.tryComplete();
      } else {
        promise.tryFail(refused);
      }
    }
    subscription.waiting().clear();
  }

  private void dispatch(Message message) {
    subscriptions.forEach(
        (filter, subscription) -> {
          if (MqttTopicValidator.isMatched(sharedFilterTopic(filter), message.topic())) {
            try {
              subscription.handler().handle(message);
            } catch (RuntimeException e) {
              // Thrown into Paho it would drop the connection (issue 549); here it is only logged.
              LOG.log(Level.WARNING, "handler of " + filter + " failed on " + message.topic(), e);
            }
          }
        });
  }

  /**
   * The topic filter inside an MQTT 5 shared subscription ({@code $share/{group}/{filter}}), which
   * Paho's matcher does not strip; any other filter as it is.
   */
  static String sharedFilterTopic(String filter) {
    if (!filter.startsWith(SHARE_PREFIX)) {
      return filter;
    }
    int slash = filter.indexOf('/', SHARE_PREFIX.length());
    return slash < 0 ? filter : filter.substring(slash + 1);
  }

  private LinkException notUp() {
    return state == State.CLOSED
        ? new LinkException(Code.CLOSED, "link closed")
        : new LinkException(Code.NOT_CONNECTED, "not connected to " + options.serverUri());
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  /** One client's callbacks, on Paho's callback thread: nothing here may throw or block. */
  private final class Callbacks implements MqttCallback {

    private final MqttAsyncClient owner;

    Callbacks(MqttAsyncClient owner) {
      this.owner = owner;
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      String why =
          response.getReturnCode() == 0 && response.getException() != null
              ? String.valueOf(response.getException().getMessage())
              : "reason " + response.getReturnCode() + " " + response.getReasonString();
      context.runOnContext(
          v -> {
            if (owner == client) {
              onLost(why, response.getException());
            }
          });
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      LOG.log(Level.WARNING, "MQTT error: {0}", exception.getMessage());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      Message received =
          new Message(topic, message.getPayload(), message.isRetained(), message.isDuplicate());
      context.runOnContext(v -> dispatch(received));
    }

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}
