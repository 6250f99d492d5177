package ai.voice.stt.cluster;

import ai.voice.stt.session.SessionCheckpoint;
import ai.voice.stt.session.SessionLease;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's claim: its checkpoint key, written only with the revision this replica last wrote.
 * A write that finds another revision means another replica took the session over, so this one
 * stops before publishing anything (fencing).
 */
final class KvLease implements SessionLease {
  private static final Logger log = LoggerFactory.getLogger(KvLease.class);

  /**
   * Fault injection for the crash tests (ReplicasTest), off unless the JVM property is set: the
   * process halts, as {@code kill -9} would, right after committing the checkpoint of this output
   * number and before the output is published, the one moment a crash can lose an output that a
   * replica taking over must then produce again (docs/decisions/0012-replicas.md).
   */
  private static final long HALT_AFTER_CHECKPOINT_OF =
      Long.getLong("stt.fault.haltAfterCheckpointOfOutput", 0);

  /** What the router does when the session leaves this replica. */
  interface Finish {
    void finished(String sessionId, long purgeThrough);
  }

  private final KeyValue bucket;
  private final String sessionId;
  private final String key;
  private final String replicaId;
  private final Duration retryFor;
  private final Finish finish;
  private long revision;

  KvLease(
      KeyValue bucket,
      String sessionId,
      String replicaId,
      long revision,
      Duration retryFor,
      Finish finish) {
    this.bucket = bucket;
    this.sessionId = sessionId;
    this.key = SessionKeys.key(sessionId);
    this.replicaId = replicaId;
    this.revision = revision;
    this.retryFor = retryFor;
    this.finish = finish;
  }

  @Override
  public synchronized boolean commit(SessionCheckpoint checkpoint) {
    if (write(checkpoint.withOwner(replicaId))) {
      if (HALT_AFTER_CHECKPOINT_OF > 0 && checkpoint.outputs() == HALT_AFTER_CHECKPOINT_OF) {
        System.err.printf(
            "fault injection: session %s: halting after the checkpoint of output %d%n",
            sessionId, checkpoint.outputs());
        Runtime.getRuntime().halt(137);
      }
      return true;
    }
    finish.finished(sessionId, 0);
    return false;
  }

  @Override
  public synchronized void release(SessionCheckpoint checkpoint) {
    write(checkpoint.withOwner(""));
    finish.finished(sessionId, 0);
  }

  @Override
  public synchronized void ended(long lastSeq) {
    try {
      bucket.delete(key, revision);
    } catch (IOException | JetStreamApiException e) {
      log.warn("session {}: could not delete its checkpoint: {}", sessionId, e.getMessage());
    }
    finish.finished(sessionId, lastSeq);
  }

  /** A compare-and-set write; retried through a NATS outage of up to the lease TTL. */
  private boolean write(SessionCheckpoint checkpoint) {
    long deadline = System.nanoTime() + retryFor.toNanos();
    byte[] value = CheckpointCodec.encode(checkpoint);
    while (true) {
      try {
        revision = bucket.update(key, value, revision);
        return true;
      } catch (JetStreamApiException e) {
        log.warn(
            "session {}: its checkpoint changed under this replica ({}); another replica owns it",
            sessionId,
            e.getMessage());
        return false;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          log.warn("session {}: cannot record its progress: {}", sessionId, e.getMessage());
          return false;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
  }
}
