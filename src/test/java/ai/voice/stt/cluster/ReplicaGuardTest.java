package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guard's decision from the other instances' announced metadata, without NATS. */
class ReplicaGuardTest {
  private static final String PROD = "ai.voice.stream.*";
  private static final String STAGING = "staging.voice.stream.*";

  private static Map<String, String> replica(String input, String routing) {
    return Map.of("input", input, "routing", routing, "output", "x.{id}", "replica", "r");
  }

  @Test
  void aPlainReplicaAloneIsFine() {
    assertEquals("", ReplicaGuard.problem(PROD, true, List.of()));
  }

  @Test
  void aPlainReplicaBesideAnotherOnTheSameInputIsAProblem() {
    String problem = ReplicaGuard.problem(PROD, true, List.of(replica(PROD, "plain")));
    assertTrue(problem.contains("transcribed once per replica"), problem);
    assertTrue(problem.contains("1 other replica(s)"), problem);
  }

  @Test
  void replicasOnAnotherInputAreLeftOut() {
    List<Map<String, String>> staging =
        List.of(replica(STAGING, "plain"), replica(STAGING, "jetstream"));
    assertEquals("", ReplicaGuard.problem(PROD, true, staging));
    assertEquals("", ReplicaGuard.problem(PROD, false, staging));
    assertEquals(new ReplicaGuard.Peers(0, 2), ReplicaGuard.peers(PROD, staging));
  }

  @Test
  void onlyTheReplicasOnTheSameInputAreCounted() {
    String problem =
        ReplicaGuard.problem(
            PROD, true, List.of(replica(STAGING, "plain"), replica(PROD, "jetstream")));
    assertTrue(problem.contains("1 other replica(s)"), problem);
  }

  @Test
  void aJetStreamReplicaIsWarnedOnlyOfPlainOnesOnItsInput() {
    assertEquals("", ReplicaGuard.problem(PROD, false, List.of(replica(PROD, "jetstream"))));
    String problem =
        ReplicaGuard.problem(
            PROD, false, List.of(replica(PROD, "plain"), replica(STAGING, "plain")));
    assertTrue(problem.startsWith("1 other replica(s) route with a plain subscription"), problem);
  }

  @Test
  void anInstanceThatAnnouncesNoInputSharesNone() {
    assertEquals("", ReplicaGuard.problem(PROD, true, List.of(Map.of("routing", "plain"))));
  }
}
