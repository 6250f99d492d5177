package ai.voice.stt.cluster;

import static ai.voice.stt.transport.JetStreamErrors.NO_MESSAGE;

import ai.voice.stt.config.SttConfig;
import ai.voice.stt.session.SessionCheckpoint;
import ai.voice.stt.transport.NatsPublisher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a replica that died left of a session, read by the one taking it over: the checkpoints its
 * key still keeps and the highest output number that reached the results stream, from which {@link
 * CrashRecovery} decides where the session resumes. Reads only.
 */
final class DeadOwnerRecord {
  private static final Logger log = LoggerFactory.getLogger(DeadOwnerRecord.class);
  private static final Duration LATE_OUTPUT_POLL = Duration.ofMillis(250);

  private final JetStreamManagement jsm;
  private final KeyValue sessionBucket;
  private final String results;
  private final SttConfig.Nats nats;
  private final Duration lateOutputWait;
  private final OwnerProbe owners;

  /** What the replica that held a session says of its last output, asked directly. */
  enum OwnerSays {
    /** No such replica on NATS any more (no responders): what it held is gone with it. */
    GONE,
    /** It is not publishing anything of the session: it will not (its next write fails). */
    IDLE,
    /** It is still trying to publish an output of the session, or did not answer (stalled). */
    MAY_STILL_PUBLISH
  }

  /**
   * Its answer: {@code published} is the highest output of the session it got confirmed by the
   * server (0: none it remembers), which counts as delivered even when the results stream lacks it.
   */
  record OwnerAnswer(OwnerSays says, long published) {
    static OwnerAnswer of(OwnerSays says) {
      return new OwnerAnswer(says, 0);
    }
  }

  /** Asks a replica about a session's output. */
  @FunctionalInterface
  interface OwnerProbe {
    OwnerAnswer ask(String replicaId, String sessionId);
  }

  /**
   * @param results the results stream, or null when there is none (then nothing is recovered)
   * @param lateOutputWait how long at most an output missing from the results stream is waited for
   *     while its owner may still publish it (stalled, not dead) before it is produced again
   * @param owners asks the owner whether it may still publish
   */
  DeadOwnerRecord(
      JetStreamManagement jsm,
      KeyValue sessionBucket,
      String results,
      SttConfig.Nats nats,
      Duration lateOutputWait,
      OwnerProbe owners) {
    this.jsm = jsm;
    this.lateOutputWait = lateOutputWait;
    this.owners = owners;
    this.sessionBucket = sessionBucket;
    this.results = results;
    this.nats = nats;
  }

  /**
   * Where a session taken from a replica resumes: a released one where it was left; one whose owner
   * died where the outputs that reached the results stream say (docs/decisions/0012).
   */
  CrashRecovery.Resume resumePoint(String id, ClusterView.Owned owned) {
    SessionCheckpoint current = owned.checkpoint();
    if (current.released() || results == null) {
      return new CrashRecovery.Resume(current, CrashRecovery.Last.DELIVERED);
    }
    List<SessionCheckpoint> history = checkpoints(id, owned);
    CrashRecovery.Resume resume = CrashRecovery.resume(history, delivered(id));
    // Its last output is missing from the results stream. The owner may have had it confirmed
    // while the stream stored nothing (no leader), or be stalled, not dead, with the output on its
    // way (or the server it handed it to may be): ask, and wait while it may still publish it.
    long until = System.nanoTime() + lateOutputWait.toNanos();
    while (resume.last() != CrashRecovery.Last.DELIVERED) {
      OwnerAnswer answer = owners.ask(current.owner(), id);
      if (answer.published() >= current.outputs()) {
        return new CrashRecovery.Resume(current, CrashRecovery.Last.DELIVERED);
      }
      if (System.nanoTime() >= until || answer.says() != OwnerSays.MAY_STILL_PUBLISH) {
        break;
      }
      try {
        Thread.sleep(LATE_OUTPUT_POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      resume = CrashRecovery.resume(history, delivered(id));
    }
    return resume;
  }

  /** The session's checkpoints up to {@code owned}, oldest first (just it if none can be read). */
  private List<SessionCheckpoint> checkpoints(String id, ClusterView.Owned owned) {
    List<SessionCheckpoint> history = new ArrayList<>();
    try {
      for (KeyValueEntry e : sessionBucket.history(SessionKeys.key(id))) {
        if (e.getOperation() == KeyValueOperation.PUT && e.getRevision() < owned.revision()) {
          history.add(CheckpointCodec.decode(e.getValue()));
        }
      }
    } catch (IOException | JetStreamApiException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("session {}: its earlier checkpoints cannot be read: {}", id, e.toString());
      history.clear();
    }
    history.add(owned.checkpoint());
    return history;
  }

  /**
   * The highest output number of the session in the results stream: 0 when it has none, empty when
   * the stream cannot be read. The newest message is nearly always a numbered output; when an
   * interim or an error came after it, the session's kept messages are read in order.
   */
  OptionalLong delivered(String id) {
    String subject = nats.outputSubject(id);
    try {
      Optional<MessageInfo> newest = message(() -> jsm.getLastMessage(results, subject));
      if (newest.isEmpty()) {
        return OptionalLong.of(0);
      }
      OptionalLong number = outputNumber(newest.get());
      if (number.isPresent()) {
        return number;
      }
      long highest = 0;
      long seq = 1;
      while (true) {
        long from = seq;
        Optional<MessageInfo> m = message(() -> jsm.getNextMessage(results, from, subject));
        if (m.isEmpty() || m.get().getSeq() >= newest.get().getSeq()) {
          return OptionalLong.of(highest);
        }
        highest = Math.max(highest, outputNumber(m.get()).orElse(0));
        seq = m.get().getSeq() + 1;
      }
    } catch (IOException | JetStreamApiException e) {
      log.warn("session {}: the results stream cannot be read: {}", id, e.getMessage());
      return OptionalLong.empty();
    }
  }

  private interface Get {
    MessageInfo get() throws IOException, JetStreamApiException;
  }

  /** The message, or empty when the stream has none there. */
  private static Optional<MessageInfo> message(Get get) throws IOException, JetStreamApiException {
    try {
      return Optional.of(get.get());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The committed output number a published message carries, if it is one. */
  private static OptionalLong outputNumber(MessageInfo m) {
    String n = m.getHeaders() == null ? null : m.getHeaders().getFirst(NatsPublisher.OUTPUT_HEADER);
    try {
      return n == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(n.trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
