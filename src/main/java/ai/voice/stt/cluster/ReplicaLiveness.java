package ai.voice.stt.cluster;

/**
 * Whether this replica's heartbeat has held, as this replica can know it: the others count it alive
 * for one lease TTL after each heartbeat they see, and the bucket drops the heartbeat key one TTL
 * after it was written. A heartbeat written before the previous one's TTL ran out (counted from
 * when that write <em>began</em>, the earliest the server can have stored it) keeps the replica
 * continuously alive; one written later means the others may have taken its sessions meanwhile (a
 * NATS outage, a stalled process), so the {@link #epoch} moves on and every claim must be confirmed
 * by a write before it speaks again. A pure policy: the caller passes the clock.
 */
final class ReplicaLiveness {
  private final long ttlNanos;
  private long aliveUntil;
  private long epoch;
  private boolean beating;

  ReplicaLiveness(long ttlNanos) {
    this.ttlNanos = ttlNanos;
  }

  /**
   * A heartbeat that began at {@code beganNanos} is stored; it was confirmed at {@code nowNanos}.
   */
  synchronized void beat(long beganNanos, long nowNanos) {
    if (!beating || nowNanos - aliveUntil >= 0) {
      epoch++; // the first heartbeat, or one after a lapse
    }
    beating = true;
    aliveUntil = beganNanos + ttlNanos;
  }

  /** Counts the heartbeats that follow a lapse (the first one included). */
  synchronized long epoch() {
    return epoch;
  }

  /**
   * Whether no heartbeat has lapsed since epoch {@code since} and the last one still holds at
   * {@code nowNanos}.
   */
  synchronized boolean heldSince(long since, long nowNanos) {
    return beating && since == epoch && nowNanos - aliveUntil < 0;
  }
}
