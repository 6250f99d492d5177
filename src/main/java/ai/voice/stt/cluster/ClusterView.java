package ai.voice.stt.cluster;

import ai.voice.stt.session.SessionCheckpoint;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every replica's picture of the cluster, kept current by two KV watchers: which replicas are alive
 * (heartbeat keys that expire after the lease TTL, with a delete marker the watcher sees) and which
 * replica owns which session (checkpoint keys). Nothing here decides anything: claims are
 * compare-and-set writes that JetStream orders.
 */
final class ClusterView implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterView.class);

  /** A session's key as last seen: its checkpoint and the revision a takeover must match. */
  record Owned(SessionCheckpoint checkpoint, long revision) {}

  /**
   * A session key holding a refusal: no replica claims it, and a new {@code start} reopens it with
   * a compare-and-set at {@code revision} ({@link Refusals}). {@code seenNanos}: when this view saw
   * it written (this process's clock).
   */
  record Refused(CheckpointCodec.Refusal refusal, long revision, long seenNanos) {}

  /** A replica's heartbeat as last seen, with when (this process's clock). */
  record Replica(String id, boolean draining, long seenNanos) {}

  private final ConcurrentMap<String, Owned> sessions = new ConcurrentHashMap<>();
  // Refused sessions: kept apart, so no count, orphan or assignment ever includes one.
  private final ConcurrentMap<String, Refused> refused = new ConcurrentHashMap<>();
  // Sessions this view has seen claimed, with when (this process's clock): one claimed and since
  // ended has no key any more, but must not look like one nobody has taken yet.
  private final ConcurrentMap<String, Long> claimedOnce = new ConcurrentHashMap<>();
  // Whether the session watcher has delivered what the bucket held at the start.
  private volatile boolean caughtUp;
  private final ConcurrentMap<String, Replica> replicas = new ConcurrentHashMap<>();
  private final long leaseNanos;
  private final List<NatsKeyValueWatchSubscription> watches = new ArrayList<>();
  // Told the id of each session whose key is deleted: it ended (its last result is out).
  private final java.util.function.Consumer<String> onEnded;

  private ClusterView(Duration leaseTtl, java.util.function.Consumer<String> onEnded) {
    this.leaseNanos = leaseTtl.toNanos();
    this.onEnded = onEnded;
  }

  /**
   * Starts both watchers and returns once each has delivered what the bucket holds now.
   *
   * @param previous the view this one replaces after a reconnection (what it saw claimed, and the
   *     replicas it saw, are carried over), or null
   * @param onEnded told the id of each session whose key is deleted (it ended), on the watcher's
   *     thread
   */
  static ClusterView watch(
      KeyValue sessionBucket,
      KeyValue replicaBucket,
      Duration leaseTtl,
      ClusterView previous,
      java.util.function.Consumer<String> onEnded)
      throws IOException, InterruptedException {
    ClusterView view = new ClusterView(leaseTtl, onEnded);
    if (previous != null) {
      view.claimedOnce.putAll(previous.claimedOnce);
      view.replicas.putAll(previous.replicas);
    }
    CountDownLatch ready = new CountDownLatch(2);
    try {
      view.watches.add(sessionBucket.watchAll(view.sessionWatcher(ready)));
      view.watches.add(replicaBucket.watchAll(view.replicaWatcher(ready)));
    } catch (JetStreamApiException e) {
      throw new IOException("cannot watch the session buckets: " + e.getMessage(), e);
    }
    if (!ready.await(30, TimeUnit.SECONDS)) {
      throw new IOException("the session buckets did not answer within 30 s");
    }
    return view;
  }

  private KeyValueWatcher sessionWatcher(CountDownLatch ready) {
    return new KeyValueWatcher() {
      @Override
      public void watch(KeyValueEntry entry) {
        String id = SessionKeys.sessionId(entry.getKey());
        if (entry.getOperation() != KeyValueOperation.PUT) {
          // Only a session's end deletes its checkpoint (a refusal's record is deleted apart).
          boolean ended = sessions.remove(id) != null;
          refused.remove(id);
          if (ended) {
            onEnded.accept(id);
          }
          return;
        }
        // What the bucket held before this view started was settled long ago.
        claimedOnce.putIfAbsent(id, caughtUp ? System.nanoTime() : Long.MIN_VALUE);
        try {
          Optional<CheckpointCodec.Refusal> refusal =
              CheckpointCodec.decodeRefusal(entry.getValue());
          if (refusal.isPresent()) {
            sessions.remove(id);
            refused.put(id, new Refused(refusal.get(), entry.getRevision(), System.nanoTime()));
            return;
          }
          refused.remove(id);
          sessions.put(
              id, new Owned(CheckpointCodec.decode(entry.getValue()), entry.getRevision()));
        } catch (IOException e) {
          log.warn("session key {} holds no checkpoint: {}", entry.getKey(), e.getMessage());
        }
      }

      @Override
      public void endOfData() {
        caughtUp = true;
        ready.countDown();
      }
    };
  }

  private KeyValueWatcher replicaWatcher(CountDownLatch ready) {
    return new KeyValueWatcher() {
      @Override
      public void watch(KeyValueEntry entry) {
        String id = entry.getKey();
        if (entry.getOperation() != KeyValueOperation.PUT) {
          replicas.remove(id);
          return;
        }
        try {
          boolean draining = CheckpointCodec.decodeHeartbeat(id, entry.getValue()).draining();
          replicas.put(id, new Replica(id, draining, System.nanoTime()));
        } catch (IOException e) {
          log.warn("replica key {} holds no heartbeat: {}", id, e.getMessage());
        }
      }

      @Override
      public void endOfData() {
        ready.countDown();
      }
    };
  }

  Optional<Owned> session(String sessionId) {
    return Optional.ofNullable(sessions.get(sessionId));
  }

  /** The session's refusal, while its key holds one. */
  Optional<Refused> refused(String sessionId) {
    return Optional.ofNullable(refused.get(sessionId));
  }

  /** Every refused session's refusal as last seen. */
  Map<String, Refused> refusedSessions() {
    return Map.copyOf(refused);
  }

  /** Whether this view has seen the session claimed (it may have ended since). */
  boolean everClaimed(String sessionId) {
    return claimedOnce.containsKey(sessionId);
  }

  /** Whether the session's claim came into view at or after {@code nanos} (not settled yet). */
  boolean claimedSince(String sessionId, long nanos) {
    Long seen = claimedOnce.get(sessionId);
    return seen != null && seen >= nanos;
  }

  /** Forgets claims first seen before {@code nanos} whose session has ended. */
  void forgetEndedBefore(long nanos) {
    claimedOnce
        .entrySet()
        .removeIf(
            e ->
                e.getValue() < nanos
                    && !sessions.containsKey(e.getKey())
                    && !refused.containsKey(e.getKey()));
  }

  /**
   * Counts every known replica as heard now: called when this replica comes back from a lapse of
   * its own, during which it heard nobody; one that is really gone is taken as gone a lease TTL
   * later.
   */
  void heardAllAgain() {
    long now = System.nanoTime();
    replicas.replaceAll((id, r) -> new Replica(r.id(), r.draining(), now));
  }

  /** The live replicas that take new sessions (not draining). */
  List<String> takingReplicas() {
    long now = System.nanoTime();
    return replicas.values().stream()
        .filter(r -> !r.draining() && now - r.seenNanos() < leaseNanos)
        .map(Replica::id)
        .toList();
  }

  /** A replica is alive while its heartbeat key exists and was renewed within the lease TTL. */
  boolean alive(String replicaId) {
    Replica r = replicas.get(replicaId);
    return r != null && System.nanoTime() - r.seenNanos() < leaseNanos;
  }

  /**
   * One consistent reading of the session bucket: the sessions owned by each live replica that
   * takes work (draining ones excluded), and which sessions a live replica owns (draining ones
   * included). Read in one pass, so a session is counted in {@code perReplica} exactly when it is
   * in {@code claimed}: a claim arriving meanwhile is seen in both or in neither.
   */
  record Loads(Map<String, Integer> perReplica, Set<String> claimed) {}

  Loads loads() {
    return loadsCounting(id -> true);
  }

  /**
   * The loads as a replica should weigh them when placing a session: a claim counts once it has
   * been in view since {@code settledBeforeNanos} (or was in the bucket when this view started);
   * younger ones are counted by the placement's own decisions instead. Claims reach every view at
   * slightly different moments, and each replica works through the input at its own pace, so fresh
   * claims in the loads made replicas decide on different loads (measured: 12 sessions spread 5/4/3
   * on a busy machine, one stranded for a claim grace). Settled claims and the decisions every
   * replica makes on the same messages in the same order are the same everywhere.
   */
  Loads loadsSettled(long settledBeforeNanos) {
    return loadsCounting(
        id -> {
          Long seen = claimedOnce.get(id);
          return seen == null || seen < settledBeforeNanos;
        });
  }

  private Loads loadsCounting(java.util.function.Predicate<String> counted) {
    Map<String, Integer> loads = new TreeMap<>();
    replicas.values().stream()
        .filter(r -> !r.draining() && alive(r.id()))
        .forEach(r -> loads.put(r.id(), 0));
    Set<String> claimed = new HashSet<>();
    sessions.forEach(
        (id, o) -> {
          if (ownedByLiveReplica(o) && counted.test(id)) {
            claimed.add(id);
            loads.computeIfPresent(o.checkpoint().owner(), (k, n) -> n + 1);
          }
        });
    return new Loads(loads, claimed);
  }

  /** The session's owner is a live replica (a released session has no owner). */
  boolean ownedByLiveReplica(Owned owned) {
    String owner = owned.checkpoint().owner();
    return !owner.isEmpty() && alive(owner);
  }

  /** Sessions whose record names {@code replicaId} as owner. */
  List<String> ownedBy(String replicaId) {
    return sessions.entrySet().stream()
        .filter(e -> e.getValue().checkpoint().owner().equals(replicaId))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** Sessions whose checkpoint no live replica holds (released, or their owner crashed). */
  List<String> orphans() {
    return sessions.entrySet().stream()
        .filter(e -> !ownedByLiveReplica(e.getValue()))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** Every live replica with the sessions it owns, for {@code stt.status}. */
  Map<String, List<String>> assignments() {
    Map<String, List<String>> out = new TreeMap<>();
    replicas.values().stream()
        .filter(r -> alive(r.id()))
        .forEach(r -> out.put(r.id() + (r.draining() ? " (draining)" : ""), new ArrayList<>()));
    sessions.forEach(
        (id, o) -> {
          String owner = o.checkpoint().owner();
          Replica r = replicas.get(owner);
          String label =
              r == null || !alive(owner)
                  ? "(unowned)"
                  : owner + (r.draining() ? " (draining)" : "");
          out.computeIfAbsent(label, k -> new ArrayList<>()).add(id);
        });
    out.values().forEach(list -> list.sort(String::compareTo));
    return out;
  }

  @Override
  public void close() {
    for (NatsKeyValueWatchSubscription w : watches) {
      try {
        w.unsubscribe();
      } catch (RuntimeException e) {
        // the connection may be closing; the watcher goes with it
      }
    }
  }
}
