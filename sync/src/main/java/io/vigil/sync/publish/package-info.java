/**
 * Sending what the outbox holds: {@link io.vigil.sync.publish.OutboxPublisher} drains the outbox in
 * sequence order over a {@link io.vigil.sync.publish.Transport} (the MQTT link), to the topics of
 * {@link io.vigil.sync.publish.GatewayTopics}, {@code vigil/v1/{fleet}/{gateway}/summary} and
 * {@code .../events}.
 *
 * <h2>The contract with the receiver</h2>
 *
 * At least once, de-duplicated by the receiver: every message is a DSSE envelope whose signed
 * payload names the gateway and the row's seq, and (gateway, seq) is unique. A row is deleted from
 * the outbox only after its PUBACK, so a failure, a lost PUBACK or a kill sends it again, with the
 * same seq and body and a later {@code sent_at}. Gaps in seq are explained by {@code
 * outbox.dropped} markers on the events topic, never silent.
 *
 * <h2>Why rows are signed when they are published</h2>
 *
 * The signature covers the seq, which exists only once the row is committed, and the outbox writes
 * its drop markers itself, inside an append, without the key. So the outbox holds the bodies and
 * the publisher signs each row as it sends it, with the row's own seq: the seq inside the signature
 * cannot differ from the row's, and {@code sent_at} is the time it left.
 */
package io.vigil.sync.publish;
