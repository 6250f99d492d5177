package ai.voice.stt.cluster;

import static ai.voice.stt.transport.JetStreamErrors.WRONG_LAST_SEQUENCE;

import ai.voice.stt.session.SessionCheckpoint;
import ai.voice.stt.session.SessionClaim;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's claim: its checkpoint key, written only with the revision this replica last wrote.
 * A write that finds another replica's record means that replica took the session over, so this one
 * stops before publishing anything (fencing). Anything else that fails (NATS unreachable, a
 * JetStream leader election, a timed-out write) is retried until it succeeds or this replica
 * leaves: an outage is not a takeover. A timed-out write that the server applied is recognised by
 * its owner field on the next try.
 *
 * <p>Used by one session's mailbox tasks, one at a time: no lock, and none held across the network
 * calls and sleeps (they run on virtual threads).
 */
final class KvClaim implements SessionClaim {
  private static final Logger log = LoggerFactory.getLogger(KvClaim.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(50);
  private static final Duration LAST_RETRY = Duration.ofSeconds(1);
  private static final Duration WARN_EVERY = Duration.ofSeconds(10);
  // How long an output that was not confirmed is looked for in the results stream before it is
  // published again (a server stalled longer than this may deliver it twice).
  private static final Duration LATE_OUTPUT = Duration.ofSeconds(10);

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
    /**
     * The session ended having read its input through stream sequence {@code lastSeq}: that input
     * is dropped, before the session's key is, so a replica that takes a late message of the
     * session as new input finds only input no session has read.
     */
    void readThrough(String sessionId, long lastSeq);

    /** The session left this replica: {@code ended} when it ended, false when it moved. */
    void finished(String sessionId, boolean ended);
  }

  private final KeyValue bucket;
  private final String sessionId;
  private final String key;
  private final String replicaId;
  private final ReplicaLiveness liveness;
  private final BooleanSupplier leaving;
  private final BooleanSupplier connected;
  private final Finish finish;
  private final Function<String, OptionalLong> delivered;
  private final OutputsInFlight inFlight;
  private final long recordEveryNanos;
  private byte[] lastWritten;
  private long revision;
  private long epoch;
  private long committedOutputs;
  private long writtenNanos = System.nanoTime();

  /**
   * @param revision the revision this replica's claim wrote
   * @param outputs the number of outputs the session had committed when it was claimed
   * @param leaving whether this replica is shutting down (ends the retries of a write)
   * @param recordEvery how often a session's record is written even without an output (a quarter of
   *     the audio retention, so a silent session's replay point never falls out of the stream)
   * @param connected whether the NATS connection is up (no write is tried while it is not: it would
   *     only wait in jnats' reconnect buffer)
   */
  KvClaim(
      KeyValue bucket,
      String sessionId,
      String replicaId,
      long revision,
      long outputs,
      ReplicaLiveness liveness,
      Duration recordEvery,
      BooleanSupplier leaving,
      BooleanSupplier connected,
      Function<String, OptionalLong> delivered,
      OutputsInFlight inFlight,
      Finish finish) {
    this.bucket = bucket;
    this.sessionId = sessionId;
    this.key = SessionKeys.key(sessionId);
    this.replicaId = replicaId;
    this.revision = revision;
    this.liveness = liveness;
    this.epoch = liveness.epoch();
    this.committedOutputs = outputs;
    this.recordEveryNanos = recordEvery.toNanos();
    this.leaving = leaving;
    this.connected = connected;
    this.delivered = delivered;
    this.inFlight = inFlight;
    this.finish = finish;
  }

  @Override
  public Commit commit(SessionCheckpoint checkpoint) {
    boolean forOutput = checkpoint.outputs() > committedOutputs;
    if (forOutput) {
      // From the moment its checkpoint may be stored, the output is on its way out: a replica
      // taking the session over must ask before producing it again.
      inFlight.started(sessionId);
    }
    Commit commit = write(checkpoint.withOwner(replicaId));
    if (forOutput && commit == Commit.RECORDED) {
      committedOutputs = checkpoint.outputs();
    } else if (forOutput) {
      inFlight.done(sessionId);
    }
    if (commit == Commit.RECORDED) {
      if (HALT_AFTER_CHECKPOINT_OF > 0 && checkpoint.outputs() == HALT_AFTER_CHECKPOINT_OF) {
        System.err.printf(
            "fault injection: session %s: halting after the checkpoint of output %d%n",
            sessionId, checkpoint.outputs());
        Runtime.getRuntime().halt(137);
      }
      return commit;
    }
    finish.finished(sessionId, false);
    return commit;
  }

  @Override
  public boolean current() {
    return liveness.heldSince(epoch, System.nanoTime());
  }

  @Override
  public boolean publish(long output, BooleanSupplier confirmed) {
    inFlight.started(sessionId);
    try {
      boolean out = publishOnce(output, confirmed);
      if (out) {
        inFlight.published(sessionId, output);
      }
      return out;
    } finally {
      inFlight.done(sessionId);
    }
  }

  private boolean publishOnce(long output, BooleanSupplier confirmed) {
    if (!current() && (lastWritten == null || write(lastWritten) != Commit.RECORDED)) {
      // Its heartbeat lapsed since the commit (a stall): the session may have moved, and the
      // replica that took it produces the output from the record.
      finish.finished(sessionId, false);
      return false;
    }
    Retry retry = new Retry();
    while (!confirmed.getAsBoolean()) {
      // Not confirmed: the connection that held it was closed with it, so it cannot arrive later.
      // It may have reached the server before that: then the results stream has it.
      if (!retry.mayTry()) {
        return false;
      }
      // A stalled server (not a dead one) delivers what it read once it runs again, even after
      // this side closed the connection: give it a while to show in the results stream first.
      if (shows(output)) {
        return true;
      }
      // Still ours? (Another replica that took the session decides from the results stream.)
      if (lastWritten == null || write(lastWritten) != Commit.RECORDED) {
        finish.finished(sessionId, false);
        return false;
      }
      retry.after("publish output " + output, "the server did not confirm it");
    }
    return true;
  }

  /** Whether output {@code output} shows in the results stream within {@link #LATE_OUTPUT}. */
  private boolean shows(long output) {
    long until = System.nanoTime() + LATE_OUTPUT.toNanos();
    do {
      OptionalLong out = delivered.apply(sessionId);
      if (out.isPresent() && out.getAsLong() >= output) {
        return true;
      }
      pauseBeforeRetry();
    } while (System.nanoTime() < until && !leaving.getAsBoolean());
    return false;
  }

  @Override
  public boolean recordDue() {
    return System.nanoTime() - writtenNanos > recordEveryNanos;
  }

  @Override
  public void release(SessionCheckpoint checkpoint) {
    write(checkpoint.withOwner(""));
    finish.finished(sessionId, false);
  }

  @Override
  public void ended(long lastSeq) {
    finish.readThrough(sessionId, lastSeq);
    Retry retry = new Retry();
    while (retry.mayTry()) {
      try {
        bucket.delete(key, revision);
        break;
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
          retry.after("delete its checkpoint", e);
        } else if (!recordIsOurs()) {
          break; // someone else's record now, or already gone: nothing of ours to delete
        }
      } catch (IOException e) {
        retry.after("delete its checkpoint", e);
      }
    }
    finish.finished(sessionId, true);
  }

  /** A compare-and-set write, retried until it lands, another replica is found owning, or leave. */
  private Commit write(SessionCheckpoint checkpoint) {
    return write(CheckpointCodec.encode(checkpoint));
  }

  private Commit write(byte[] value) {
    Retry retry = new Retry();
    while (retry.mayTry()) {
      try {
        long since = liveness.epoch();
        revision = bucket.update(key, value, revision);
        lastWritten = value;
        epoch = since;
        writtenNanos = System.nanoTime();
        retry.recovered();
        return Commit.RECORDED;
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
          retry.after("record its progress", e);
        } else if (!recordIsOurs()) {
          return Commit.TAKEN_OVER;
        }
      } catch (IOException e) {
        retry.after("record its progress", e);
      }
    }
    log.warn(
        "session {}: its progress could not be recorded before this replica left; whoever adopts"
            + " it replays from its last record",
        sessionId);
    return Commit.REPLICA_LEAVING;
  }

  /**
   * After a write was refused for a newer revision: whether the record is still this replica's (an
   * earlier try of ours that timed out was applied; its revision is taken up and the write tried
   * again), or another replica's. A read that fails counts as ours: the write is tried again.
   */
  private boolean recordIsOurs() {
    KeyValueEntry entry;
    try {
      entry = bucket.get(key);
    } catch (IOException | JetStreamApiException e) {
      pauseBeforeRetry();
      return true;
    }
    if (entry == null || entry.getValue() == null) {
      log.warn("session {}: its record was removed by another replica; this one stops", sessionId);
      return false;
    }
    String owner;
    try {
      owner = CheckpointCodec.decode(entry.getValue()).owner();
    } catch (IOException e) {
      owner = "?";
    }
    if (owner.equals(replicaId)) {
      revision = entry.getRevision();
      return true;
    }
    log.warn(
        "session {}: taken over by {} (record revision {}); this replica stops without publishing",
        sessionId,
        owner.isEmpty() ? "a hand-over" : owner,
        entry.getRevision());
    return false;
  }

  private static void pauseBeforeRetry() {
    try {
      Thread.sleep(LAST_RETRY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Backs off between tries, and says in the log how long the session has waited. */
  private final class Retry {
    private final long began = System.nanoTime();
    private long pause = FIRST_RETRY.toNanos();
    private long warned;

    /**
     * Whether to try now: false once this replica leaves (or its thread is interrupted); waits
     * while NATS is unreachable.
     */
    boolean mayTry() {
      while (!leaving.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
        if (connected.getAsBoolean()) {
          return true;
        }
        after("reach NATS", "disconnected");
      }
      return false;
    }

    void after(String what, Exception e) {
      after(what, e == null ? "disconnected" : e.getMessage());
    }

    void after(String what, String why) {
      long now = System.nanoTime();
      if (warned == 0 || now - warned > WARN_EVERY.toNanos()) {
        warned = now;
        log.warn(
            "session {}: cannot {} yet ({}), trying again; waiting {} ms so far",
            sessionId,
            what,
            why,
            (now - began) / 1_000_000);
      }
      try {
        Thread.sleep(Duration.ofNanos(pause));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      pause = Math.min(2 * pause, LAST_RETRY.toNanos());
    }

    void recovered() {
      if (warned != 0) {
        log.info(
            "session {}: progress recorded after {} ms",
            sessionId,
            (System.nanoTime() - began) / 1_000_000);
      }
    }
  }
}
