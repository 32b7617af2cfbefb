/**
 * TUF metadata and bundle chunks over MQTT: the manufacturer's {@link
 * io.vigil.sync.chunks.ChunkPublisher}, the gateway's {@link io.vigil.sync.chunks.ChunkAssembler}
 * and {@link io.vigil.sync.chunks.MqttSource}, over a {@link io.vigil.sync.chunks.RepoFeed} that
 * the MQTT link provides.
 *
 * <h2>Topics</h2>
 *
 * Under {@code vigil/v1/{fleet}/repo/}, every message retained:
 *
 * <ul>
 *   <li>{@code metadata/{name}}: a metadata file as the repository names it ({@code N.root.json},
 *       {@code timestamp.json}, {@code N.snapshot.json}, {@code N.targets.json}, {@code
 *       N.{role}.json} for a delegated role, its name percent-encoded as TUF does). Every root
 *       version stays (a gateway walks the rotations one by one); older versions of the other roles
 *       are cleared.
 *   <li>{@code targets/{path}/chunks/{index}}: chunk {@code index} (from 0) of the target file at
 *       {@code path} as the repository stores it, hash-prefixed ({@code
 *       models/<sha256>.a.vbundle}), so a topic's content never changes. Cleared when no targets
 *       role lists the file any more.
 * </ul>
 *
 * <p>Chunks are retained so that a gateway that was off for a day, or lost its link mid-download,
 * gets every chunk it lacks by subscribing to their topics again, with nothing asked of the
 * manufacturer and no request topic; the broker holds each listed target once, whatever the number
 * of gateways.
 *
 * <h2>A chunk message</h2>
 *
 * A binary header, big-endian, then the chunk's bytes:
 *
 * <pre>
 * magic          4 bytes  "VGC1" (the format's version is its last byte)
 * path length    u16
 * path           UTF-8    the target file's path, as in the topic
 * target length  u64      bytes of the whole target file
 * chunk size     u32      bytes per chunk but the last (default 256 KiB)
 * index          u32      this chunk's index, from 0
 * count          u32      chunks of the target: ceil(target length / chunk size), at least 1
 * length         u32      this chunk's bytes: chunk size, or what is left for the last one
 * sha256         32 bytes SHA-256 of this chunk's bytes
 * bytes          length bytes
 * </pre>
 *
 * A gateway refuses a header that disagrees with itself, bytes that differ from their SHA-256, a
 * target length over the signed one, and a length, chunk size or count that differs from earlier
 * chunks. Nothing in a chunk is trusted: the target's SHA-256 is not in it, the Updater checks the
 * assembled bytes against the signed target.
 */
package io.vigil.sync.chunks;
