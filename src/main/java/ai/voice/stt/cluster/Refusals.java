package ai.voice.stt.cluster;

import ai.voice.stt.config.SttConfig;
import ai.voice.stt.protocol.MessageDecoder;
import ai.voice.stt.protocol.ProtocolException;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.session.SessionCheckpoint;
import ai.voice.stt.session.SessionRegistry;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.PurgeOptions;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusal is final across the replicas (docs/decisions/0012-replicas.md, "Refusals"). The replica
 * that refuses a new session writes the session's key with {@code create} as a refusal record
 * holding the input stream's last sequence of the session at that moment, and only the one whose
 * write wins answers it (one error, one end-of-stream result). No replica claims a refused key, so
 * its audio is never replayed. A later {@code start} is a new attempt: the replica that claims it
 * replaces the record at its revision (compare-and-set: one wins) with a fresh checkpoint that
 * replays from that {@code start}, so nothing sent before it is transcribed. A record whose client
 * has been silent for the session idle timeout is deleted (at its revision) with the input it
 * covered, by whichever replica's heartbeat tick sees it first.
 */
final class Refusals {
  private static final Logger log = LoggerFactory.getLogger(Refusals.class);
  // How long a new attempt waits for its start to show in the stream, which stores it as the
  // trigger hears it: milliseconds, unless JetStream is in trouble.
  private static final Duration START_WAIT = Duration.ofSeconds(2);
  private final KeyValue bucket;
  private final JetStreamManagement jsm;
  private final StreamContext stream;
  private final SttConfig config;
  private final SessionRegistry sessions;
  private final MessageDecoder decoder;
  // The view of the moment: the router watches the buckets afresh after a reconnection.
  private final Supplier<ClusterView> view;
  private final String replicaId;
  private final long idleNanos;
  // When this replica last heard a refused session's client (every replica hears every message).
  private final ConcurrentMap<String, Long> lastHeard = new ConcurrentHashMap<>();
  // Refused sessions whose client sent a start not yet claimed (a new attempt being decided), with
  // the revision of the refusal it follows: once the key changes, the attempt was decided.
  private final ConcurrentMap<String, Long> restarts = new ConcurrentHashMap<>();

  // Records this replica wrote, until its view shows them (the watcher may lag a moment behind the
  // write, and the refused client's next message must not find the session unrefused).
  private final ConcurrentMap<String, ClusterView.Refused> written = new ConcurrentHashMap<>();
  private final long catchUpNanos;

  /** A new attempt claimed: its checkpoint (replaying from its start) and the key's revision. */
  record Reopened(SessionCheckpoint from, long revision) {}

  Refusals(
      KeyValue bucket,
      JetStreamManagement jsm,
      StreamContext stream,
      SttConfig config,
      SessionRegistry sessions,
      MessageDecoder decoder,
      Supplier<ClusterView> view,
      String replicaId) {
    this.bucket = bucket;
    this.jsm = jsm;
    this.stream = stream;
    this.config = config;
    this.sessions = sessions;
    this.decoder = decoder;
    this.view = view;
    this.replicaId = replicaId;
    this.idleNanos = config.limits().sessionIdleTimeout().toNanos();
    this.catchUpNanos = config.routing().leaseTtl().toNanos();
  }

  /**
   * The session's refusal while its key holds one: as the view shows it, or as this replica just
   * wrote it if the view has not caught up yet.
   */
  Optional<ClusterView.Refused> current(String id) {
    Optional<ClusterView.Refused> seen = view.get().refused(id);
    ClusterView.Refused mine = written.get(id);
    if (mine == null) {
      return seen;
    }
    long seenRevision =
        seen.map(ClusterView.Refused::revision)
            .or(() -> view.get().session(id).map(ClusterView.Owned::revision))
            .orElse(0L);
    if (seenRevision >= mine.revision() || System.nanoTime() - mine.seenNanos() > catchUpNanos) {
      written.remove(id, mine);
      return seen;
    }
    return Optional.of(mine);
  }

  /**
   * A message of a refused session reached this replica's trigger. Any message but a {@code start}
   * is dropped (counted by the replica that answered the refusal); a {@code start} begins a new
   * attempt, and until it is claimed the session's messages may prompt the claim.
   *
   * @return whether the session is to be decided (a new attempt)
   */
  boolean heard(String id, ClusterView.Refused refused, byte[] payload) {
    long now = System.nanoTime();
    lastHeard.put(id, now);
    if (isStart(payload, id)) {
      restarts.put(id, refused.revision());
      return true;
    }
    if (restartPending(id)) {
      return true;
    }
    if (refused.refusal().replica().equals(replicaId)) {
      sessions.droppedAfterRefusal();
    }
    return false;
  }

  /** Whether a {@code start} was heard for the refused session and no one has claimed it yet. */
  boolean restartPending(String id) {
    Long after = restarts.get(id);
    return after != null && current(id).map(r -> r.revision() == after).orElse(false);
  }

  /**
   * Records the refusal of {@code id} and, if this replica's write wins, answers it once. Blocks on
   * JetStream: run off the dispatcher.
   */
  void refuse(String id, SessionRegistry.Refusal refusal) {
    Optional<ClusterView.Refused> previous = current(id);
    String key = SessionKeys.key(id);
    long after;
    try {
      after = lastSeq(id);
      CheckpointCodec.Refusal record =
          new CheckpointCodec.Refusal(
              refusal.code().wireName(), replicaId, after, System.currentTimeMillis());
      byte[] value = CheckpointCodec.encode(record);
      long revision =
          previous.isPresent()
              ? bucket.update(key, value, previous.get().revision())
              : bucket.create(key, value);
      written.put(id, new ClusterView.Refused(record, revision, System.nanoTime()));
    } catch (JetStreamApiException e) {
      log.debug("session {}: refused by another replica, or claimed ({})", id, e.getMessage());
      return;
    } catch (IOException e) {
      // Not recorded: answered as before refusals were final, so the client is not left silent.
      log.warn("session {}: refusal not recorded: {}", id, e.getMessage());
      sessions.reject(id, refusal.code(), refusal.message());
      return;
    }
    restarts.remove(id);
    log.info(
        "session {}: refused ({}), input through stream sequence {}",
        id,
        refusal.code().wireName(),
        after);
    sessions.answerRefusal(id, refusal);
    purgeThrough(id, after); // never to be transcribed
  }

  /**
   * Claims a new attempt of a refused session: the record is replaced at its revision by a fresh
   * checkpoint replaying from the attempt's {@code start}. Blocks on JetStream.
   *
   * @return empty when another replica claimed or refused it first, or its start was not found
   */
  Optional<Reopened> reopen(String id, ClusterView.Refused refused)
      throws IOException, JetStreamApiException, InterruptedException {
    OptionalLong start = startOfNewAttempt(id, refused.refusal().afterSeq());
    if (start.isEmpty()) {
      log.warn(
          "session {}: a start after its refusal was heard but not found in the stream; it stays"
              + " refused",
          id);
      restarts.remove(id);
      return Optional.empty();
    }
    SessionCheckpoint from =
        SessionCheckpoint.freshAt(replicaId, start.getAsLong(), System.currentTimeMillis());
    long revision =
        bucket.update(SessionKeys.key(id), CheckpointCodec.encode(from), refused.revision());
    restarts.remove(id);
    lastHeard.remove(id);
    return Optional.of(new Reopened(from, revision));
  }

  /**
   * The stream sequence of the new attempt's {@code start}: the last start the stream held when
   * asked (a start refused a moment before the record was written may follow {@code afterSeq}), or
   * the first one stored after that.
   */
  private OptionalLong startOfNewAttempt(String id, long afterSeq)
      throws IOException, JetStreamApiException, InterruptedException {
    long storedNow = lastSeq(id);
    OrderedConsumerConfiguration c =
        new OrderedConsumerConfiguration()
            .filterSubject(config.nats().inputSubject(id))
            .deliverPolicy(DeliverPolicy.ByStartSequence)
            .startSequence(afterSeq + 1);
    IterableConsumer messages = stream.createOrderedConsumer(c).iterate();
    long start = -1;
    try {
      while (true) {
        Message m = messages.nextMessage(START_WAIT);
        if (m == null) {
          break;
        }
        long seq = m.metaData().streamSequence();
        if (isStart(m.getData(), id)) {
          start = seq;
        }
        if (start > 0 && seq >= storedNow) {
          break;
        }
      }
    } catch (JetStreamStatusCheckedException e) {
      throw new IOException("reading the session's input failed: " + e.getMessage(), e);
    } finally {
      messages.stop();
    }
    return start > 0 ? OptionalLong.of(start) : OptionalLong.empty();
  }

  /**
   * Deletes the records of refused sessions whose client has been silent for the idle timeout, with
   * the input they covered; a later message of such an id opens a session from there.
   */
  void expire(long nowNanos) {
    written.keySet().forEach(this::current); // forgets those the view has caught up with
    Map<String, ClusterView.Refused> refused = view.get().refusedSessions();
    lastHeard.keySet().retainAll(refused.keySet());
    restarts.keySet().retainAll(refused.keySet());
    refused.forEach(
        (id, r) -> {
          if (!restartPending(id)
              && expired(r.seenNanos(), lastHeard.get(id), nowNanos, idleNanos)) {
            forget(id, r);
          }
        });
  }

  /**
   * Whether a refusal seen at {@code seenNanos}, whose client was last heard at {@code
   * lastHeardNanos} (null: not since), is due for deletion at {@code nowNanos}.
   */
  static boolean expired(long seenNanos, Long lastHeardNanos, long nowNanos, long idleNanos) {
    long last = lastHeardNanos == null ? seenNanos : Math.max(seenNanos, lastHeardNanos);
    return nowNanos - last >= idleNanos;
  }

  private void forget(String id, ClusterView.Refused r) {
    try {
      long last = lastSeq(id);
      bucket.delete(SessionKeys.key(id), r.revision());
      lastHeard.remove(id);
      purgeThrough(id, last);
      log.info("session {}: refusal forgotten after {} s without a message", id, idleNanos / 1e9);
    } catch (JetStreamApiException e) {
      log.debug("session {}: refusal already replaced or forgotten ({})", id, e.getMessage());
    } catch (IOException e) {
      log.debug("session {}: refusal not forgotten yet: {}", id, e.getMessage());
    }
  }

  private boolean isStart(byte[] payload, String id) {
    try {
      return decoder.decode(payload == null ? new byte[0] : payload, id)
          instanceof StreamMessage.Start;
    } catch (ProtocolException e) {
      return false;
    }
  }

  /** The newest stream sequence of the session's input (0: none stored). */
  private long lastSeq(String id) throws IOException, JetStreamApiException {
    try {
      return jsm.getLastMessage(config.routing().stream(), config.nats().inputSubject(id)).getSeq();
    } catch (JetStreamApiException e) {
      if (e.getErrorCode() == 404) {
        return 0;
      }
      throw e;
    }
  }

  private void purgeThrough(String id, long seq) {
    if (seq <= 0) {
      return;
    }
    try {
      jsm.purgeStream(
          config.routing().stream(),
          PurgeOptions.builder().subject(config.nats().inputSubject(id)).sequence(seq + 1).build());
    } catch (IOException | JetStreamApiException e) {
      log.debug("session {}: purge of its refused input failed: {}", id, e.getMessage());
    }
  }
}
