package ai.voice.stt.service;

import ai.voice.stt.protocol.ErrorCode;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Service-level counters: what happened to the NATS link, how many results and errors went out, how
 * sessions ended. Owned by one {@link SttService}; lock-free (atomics only), so any thread may
 * record. Deliberately small and dependency-free, named after the Prometheus metrics it feeds, so
 * that OpenTelemetry can take it over later.
 */
public final class ServiceStats {
  private static final long CONNECTED = Long.MIN_VALUE;

  private final AtomicLong natsDisconnects = new AtomicLong();
  private final AtomicLong natsReconnects = new AtomicLong();
  private final AtomicLong natsDisconnectedNanos = new AtomicLong();
  private final AtomicLong natsLastOutageNanos = new AtomicLong();
  private final AtomicLong natsDisconnectedSince = new AtomicLong(CONNECTED);
  private final AtomicLong results = new AtomicLong();
  private final AtomicLong publishFailures = new AtomicLong();
  private final Map<ErrorCode, AtomicLong> errors;
  private final ConcurrentMap<String, AtomicLong> sessionsEnded = new ConcurrentHashMap<>();

  public ServiceStats() {
    Map<ErrorCode, AtomicLong> byCode = new EnumMap<>(ErrorCode.class);
    for (ErrorCode code : ErrorCode.values()) {
      byCode.put(code, new AtomicLong());
    }
    this.errors = Collections.unmodifiableMap(byCode);
  }

  /**
   * The connection to NATS broke at {@code nowNanos} ({@link System#nanoTime()}).
   *
   * @return true when this begins an outage, false while one is already going on
   */
  public boolean natsDisconnected(long nowNanos) {
    // jnats reports DISCONNECTED again for each failed attempt; the outage began at the first.
    if (natsDisconnectedSince.compareAndSet(CONNECTED, nowNanos)) {
      natsDisconnects.incrementAndGet();
      return true;
    }
    return false;
  }

  /**
   * The connection is back.
   *
   * @return how long it was down, zero if it was not known to be down
   */
  public Duration natsReconnected(long nowNanos) {
    natsReconnects.incrementAndGet();
    long since = natsDisconnectedSince.getAndSet(CONNECTED);
    if (since == CONNECTED) {
      return Duration.ZERO;
    }
    long outage = Math.max(0, nowNanos - since);
    natsDisconnectedNanos.addAndGet(outage);
    natsLastOutageNanos.set(outage);
    return Duration.ofNanos(outage);
  }

  public long natsDisconnects() {
    return natsDisconnects.get();
  }

  public long natsReconnects() {
    return natsReconnects.get();
  }

  /** Time spent disconnected since start, including an outage still going on at {@code now}. */
  public Duration natsDisconnectedTotal(long nowNanos) {
    long since = natsDisconnectedSince.get();
    long ongoing = since == CONNECTED ? 0 : Math.max(0, nowNanos - since);
    return Duration.ofNanos(natsDisconnectedNanos.get() + ongoing);
  }

  /** The length of the most recent outage that has ended (zero before the first). */
  public Duration natsLastOutage() {
    return Duration.ofNanos(natsLastOutageNanos.get());
  }

  void resultPublished() {
    results.incrementAndGet();
  }

  /**
   * @return the number of failures so far
   */
  long publishFailed() {
    return publishFailures.incrementAndGet();
  }

  /** Output messages the connection refused (counted, never silent). */
  public long publishFailures() {
    return publishFailures.get();
  }

  void errorPublished(ErrorCode code) {
    errors.get(code).incrementAndGet();
  }

  void sessionEnded(String reason) {
    sessionsEnded.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
  }

  public long resultsPublished() {
    return results.get();
  }

  public long errors(ErrorCode code) {
    return errors.get(code).get();
  }

  /** Sessions ended, by the {@code end_reason} of their last result. */
  public Map<String, Long> sessionsEnded() {
    Map<String, Long> copy = new java.util.TreeMap<>();
    sessionsEnded.forEach((reason, count) -> copy.put(reason, count.get()));
    return copy;
  }
}
