package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PlacementTest {
  private static final long RECONSIDER = 500;
  private static final long HOLD = 1_000;
  private static final List<String> REPLICAS = List.of("a", "b", "c");

  private static Map<String, Integer> idle() {
    Map<String, Integer> loads = new TreeMap<>();
    REPLICAS.forEach(r -> loads.put(r, 0));
    return loads;
  }

  @Test
  void sessionsStartingTogetherAreSpreadEvenlyBeforeAnyClaimIsVisible() {
    Placement placement = new Placement(RECONSIDER, HOLD);
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < 12; i++) {
      counts.merge(placement.choose("s" + i, idle(), id -> false, i), 1, Integer::sum);
    }
    assertEquals(Map.of("a", 4, "b", 4, "c", 4), counts);
  }

  @Test
  void everyReplicaReachesTheSameAnswersOnTheSameMessages() {
    Placement one = new Placement(RECONSIDER, HOLD);
    Placement other = new Placement(RECONSIDER, HOLD);
    for (int i = 0; i < 30; i++) {
      assertEquals(
          one.choose("s" + i, idle(), id -> false, i),
          other.choose("s" + i, idle(), id -> false, i));
    }
  }

  @Test
  void aClaimSeenInTheViewReplacesTheDecisionWithoutCountingItTwice() {
    Placement placement = new Placement(RECONSIDER, HOLD);
    String first = placement.choose("s0", idle(), id -> false, 0);
    // The view now shows s0 claimed by its replica: it counts there once, as a claim.
    Map<String, Integer> loads = idle();
    loads.put(first, 1);
    Set<String> claimed = Set.of("s0");
    Map<String, Integer> counts = new HashMap<>(loads);
    for (int i = 1; i < 6; i++) {
      counts.merge(placement.choose("s" + i, loads, claimed::contains, i), 1, Integer::sum);
    }
    assertEquals(Map.of("a", 2, "b", 2, "c", 2), counts);
    assertEquals(5, placement.pending());
  }

  @Test
  void aSessionThatEndedStopsCountingSoAFreshReplicaAgreesWithTheOthers() {
    // "old" was decided for some replica and ended before its claim settled. A replica that lived
    // through it and one started since (after a crash) then decide a burst of new sessions; once
    // both have seen the end, they agree on every one, as they must for each to claim its own.
    Placement lived = new Placement(RECONSIDER, HOLD);
    lived.choose("old", idle(), id -> false, 0);
    lived.ended("old");
    assertEquals(List.of(), burstDisagreements(lived, new Placement(RECONSIDER, HOLD)));
  }

  @Test
  void withoutTheEndTheDecisionStillWeighsAndTheTwoDisagree() {
    // What ended() removes: the same two replicas, the end not applied.
    Placement lived = new Placement(RECONSIDER, HOLD);
    lived.choose("old", idle(), id -> false, 0);
    assertEquals(true, !burstDisagreements(lived, new Placement(RECONSIDER, HOLD)).isEmpty());
  }

  /** The sessions of a burst of 12 that the two replicas place on different replicas. */
  private static List<String> burstDisagreements(Placement one, Placement other) {
    List<String> differ = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String id = "s" + i;
      if (!one.choose(id, idle(), s -> false, 1 + i)
          .equals(other.choose(id, idle(), s -> false, 1 + i))) {
        differ.add(id);
      }
    }
    return differ;
  }

  @Test
  void aDeadReplicasSessionsArePlacedAlikeWhicheverOneASurvivorMeetsFirst() {
    List<Map<String, String>> placed = placedInOppositeOrders(true);
    assertEquals(placed.get(0), placed.get(1));
    assertEquals(Set.of("a", "b"), new HashSet<>(placed.get(0).values()), "spread: " + placed);
  }

  @Test
  void decidedOneByOneInTheOrderMetTheSurvivorsDisagree() {
    // What chooseTogether prevents: the same two survivors, each session decided alone.
    List<Map<String, String>> placed = placedInOppositeOrders(false);
    assertNotEquals(placed.get(0), placed.get(1));
  }

  /**
   * Where two survivors place the three sessions of a dead replica "c" ("a" and "b" hold one
   * session each) when they meet them in opposite orders: one hears a message of the last, the
   * other's heartbeat tick finds the first.
   *
   * @param together decided with {@link Placement#chooseTogether}, else one by one
   */
  private static List<Map<String, String>> placedInOppositeOrders(boolean together) {
    Map<String, Integer> survivors = new TreeMap<>(Map.of("a", 1, "b", 1));
    List<String> orphans = List.of("o1", "o2", "o3");
    List<Map<String, String>> placed = new java.util.ArrayList<>();
    for (List<String> order : List.of(orphans.reversed(), orphans)) {
      Placement survivor = new Placement(RECONSIDER, HOLD);
      Map<String, String> where = new TreeMap<>();
      for (String id : order) {
        where.put(
            id,
            together
                ? survivor.chooseTogether(id, orphans, survivors, s -> false, 0)
                : survivor.choose(id, survivors, s -> false, 0));
      }
      placed.add(where);
    }
    return placed;
  }

  @Test
  void aDecisionIsKeptForTheSessionsLaterMessages() {
    Placement placement = new Placement(RECONSIDER, HOLD);
    String chosen = placement.choose("s", idle(), id -> false, 0);
    Map<String, Integer> busier = idle();
    busier.put(chosen, 9);
    assertEquals(chosen, placement.choose("s", busier, id -> false, 10));
  }

  @Test
  void aDecisionNobodyActedOnStopsCountingAfterTheHold() {
    Placement placement = new Placement(RECONSIDER, HOLD);
    String first = placement.choose("s0", idle(), id -> false, 0);
    String second = placement.choose("s1", idle(), id -> false, 1);
    assertNotEquals(first, second);
    // Long after: the unclaimed decisions are forgotten, and s0 is decided afresh.
    placement.choose("s2", idle(), id -> false, 5 * HOLD);
    assertEquals(1, placement.pending());
  }

  @Test
  void aChosenReplicaThatLeftIsReplacedByALiveOne() {
    Placement placement = new Placement(RECONSIDER, HOLD);
    String chosen = placement.choose("s", idle(), id -> false, 0);
    Map<String, Integer> without = idle();
    without.remove(chosen);
    String again = placement.choose("s", without, id -> false, 1);
    assertNotEquals(chosen, again);
    Set<String> live = new HashSet<>(without.keySet());
    assertEquals(true, live.contains(again));
  }

  @Test
  void aSessionNobodyClaimedIsDecidedAgainByTheLoadsOfThatMoment() {
    // This replica once decided the session for "a"; "a" decided otherwise and never claimed it.
    // Once the decision is older than the reconsider time, the settled loads decide: "b", the
    // least loaded, which every replica's view agrees on by then.
    Placement placement = new Placement(RECONSIDER, HOLD);
    Map<String, Integer> early = idle();
    early.put("b", 1);
    early.put("c", 1);
    assertEquals("a", placement.choose("s", early, id -> false, 0));
    Map<String, Integer> settled = idle();
    settled.put("a", 4);
    settled.put("b", 3);
    settled.put("c", 4);
    assertEquals("a", placement.choose("s", settled, id -> false, RECONSIDER), "still stands");
    assertEquals("b", placement.choose("s", settled, id -> false, RECONSIDER + 1));
    assertEquals(
        "b", placement.choose("s", settled, id -> false, RECONSIDER + 2), "and is kept again");
  }
}
