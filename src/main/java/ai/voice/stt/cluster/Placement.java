package ai.voice.stt.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Which replica should take a session: the least loaded live replica, ties broken by a hash of
 * session and replica (rendezvous hashing). A pure policy, no clock or threads of its own: every
 * replica runs it on the same messages in the same order (one client connection's messages keep
 * their order through the cluster) and reaches the same answer, so one replica claims and the
 * others stand by.
 *
 * <p>Claims take a moment to show in every replica's view of the session bucket, so when many
 * sessions start at once the view alone would send them all to the same "least loaded" replica.
 * Each decision is therefore remembered and counted as load on the chosen replica until the view
 * shows the session claimed (or the decision is older than the claim grace and anyone may take the
 * session). The claim itself is still a compare-and-set in the bucket: the placement only spreads
 * work, it never decides ownership.
 *
 * <p>Replicas can still disagree when their views differ at the moment they decide (one replica
 * that lags behind the others' claims, say): each then waits for another to claim, and nobody does.
 * So a session's own decision is kept only for {@code reconsiderNanos}; a session still unclaimed
 * after that is decided again, by the loads of that moment, which every replica has seen settle by
 * then, and so lands on the least loaded replica rather than on whoever notices first (measured
 * once: 12 sessions spread 5/4/3 instead of 4/4/4).
 */
final class Placement {
  private record Decision(String replica, long atNanos) {}

  private final long reconsiderNanos;
  private final long holdNanos;
  private final Map<String, Decision> decided = new HashMap<>();

  /**
   * @param reconsiderNanos how long a session's decision stands while nobody claims it
   * @param holdNanos how long an unclaimed decision counts as load on its replica
   */
  Placement(long reconsiderNanos, long holdNanos) {
    this.reconsiderNanos = reconsiderNanos;
    this.holdNanos = holdNanos;
  }

  /**
   * The replica for a session, decided once and then remembered while it holds.
   *
   * @param loads sessions claimed per live replica that takes work (from the bucket)
   * @param claimed whether the bucket shows a session owned by a live replica
   * @param nowNanos the caller's clock
   */
  synchronized String choose(
      String sessionId, Map<String, Integer> loads, Predicate<String> claimed, long nowNanos) {
    forgetOld(claimed, nowNanos);
    Decision known = decided.get(sessionId);
    if (known != null) {
      if (loads.containsKey(known.replica()) && nowNanos - known.atNanos() <= reconsiderNanos) {
        return known.replica();
      }
      decided.remove(sessionId); // its replica left, or did not claim: decide it again
    }
    Map<String, Integer> load = new TreeMap<>(loads);
    decided.forEach((id, d) -> load.computeIfPresent(d.replica(), (k, n) -> n + 1));
    String best = null;
    long bestScore = Long.MIN_VALUE;
    int bestLoad = Integer.MAX_VALUE;
    for (Map.Entry<String, Integer> e : load.entrySet()) {
      long score = mix((sessionId + "/" + e.getKey()).hashCode());
      if (e.getValue() < bestLoad || (e.getValue() == bestLoad && score > bestScore)) {
        best = e.getKey();
        bestLoad = e.getValue();
        bestScore = score;
      }
    }
    if (best != null) {
      decided.put(sessionId, new Decision(best, nowNanos));
    }
    return best;
  }

  /**
   * The replica for one of a group of sessions that need a replica at the same moment, the sessions
   * of a replica that died or stalled: the group's undecided members are decided in id order first,
   * so every replica reaches the same answers whichever member a message or its heartbeat tick
   * brings up first. Decided one by one in the order each replica happened to meet them, two
   * survivors could each leave a session to the other (each counting its other decision as load),
   * and nobody took it for a reconsider time.
   *
   * @param group the sessions decided together ({@code sessionId} among them or not)
   */
  synchronized String chooseTogether(
      String sessionId,
      java.util.Collection<String> group,
      Map<String, Integer> loads,
      Predicate<String> claimed,
      long nowNanos) {
    for (String member : new java.util.TreeSet<>(group)) {
      choose(member, loads, claimed, nowNanos);
    }
    return choose(sessionId, loads, claimed, nowNanos);
  }

  /**
   * A session this replica did not decide, found claimed by {@code replica}: counted there like a
   * decision until its claim settles (a replica behind the others meets claims it never decided).
   */
  synchronized void placed(String sessionId, String replica, long nowNanos) {
    decided.putIfAbsent(sessionId, new Decision(replica, nowNanos));
  }

  /**
   * The one replica that answers a message of a session id that opens no session (the same on every
   * replica that sees the same replicas): rendezvous hashing of id and replica alone, no load and
   * nothing remembered, so a flood of made-up ids costs no placement state.
   */
  static String answerer(String sessionId, java.util.Collection<String> replicas) {
    String best = null;
    long bestScore = Long.MIN_VALUE;
    for (String replica : new java.util.TreeSet<>(replicas)) {
      long score = mix((sessionId + "/" + replica).hashCode());
      if (best == null || score > bestScore) {
        best = replica;
        bestScore = score;
      }
    }
    return best;
  }

  /**
   * The session ended (its key was deleted): its decision, if any, stops counting as load now
   * rather than at the end of the hold. A session that ended before its claim settled would
   * otherwise weigh on its replica for the rest of the hold in the views that decided it and not in
   * one that started since (a replica restarted after a crash), so the replicas would place the
   * next sessions differently and each wait for another to claim them.
   */
  synchronized void ended(String sessionId) {
    decided.remove(sessionId);
  }

  /** Decisions still counted as load (for tests and status). */
  synchronized int pending() {
    return decided.size();
  }

  private void forgetOld(Predicate<String> claimed, long nowNanos) {
    decided
        .entrySet()
        .removeIf(e -> nowNanos - e.getValue().atNanos() > holdNanos || claimed.test(e.getKey()));
  }

  private static long mix(long x) {
    x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
    x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return x ^ (x >>> 33);
  }
}
