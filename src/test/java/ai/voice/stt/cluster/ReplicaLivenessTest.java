package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When this replica may trust that nobody took its sessions: its heartbeat never lapsed. */
class ReplicaLivenessTest {
  private static final long TTL = 3_000;
  private final ReplicaLiveness liveness = new ReplicaLiveness(TTL);

  @Test
  void beforeAnyHeartbeatNothingHolds() {
    assertFalse(liveness.heldSince(liveness.epoch(), 0));
  }

  @Test
  void heartbeatsInsideTheTtlKeepOneEpoch() {
    liveness.beat(0, 10);
    long epoch = liveness.epoch();
    liveness.beat(1_000, 1_020);
    liveness.beat(2_000, 2_900); // a slow write, but stored before the last one ran out
    assertEquals(epoch, liveness.epoch());
    assertTrue(liveness.heldSince(epoch, 4_999));
  }

  @Test
  void theTtlCountsFromWhenTheHeartbeatBeganNotWhenItWasConfirmed() {
    liveness.beat(0, 2_000);
    assertTrue(liveness.heldSince(liveness.epoch(), 2_999));
    assertFalse(liveness.heldSince(liveness.epoch(), 3_000), "the others may count it gone now");
  }

  @Test
  void aHeartbeatStoredAfterTheLastOneRanOutStartsANewEpoch() {
    liveness.beat(0, 10);
    long before = liveness.epoch();
    // A NATS outage or a stopped process: the next heartbeat lands 8 s later.
    liveness.beat(1_000, 9_000);
    assertTrue(liveness.epoch() > before);
    assertFalse(liveness.heldSince(before, 9_001), "a claim from before the lapse must confirm");
    assertFalse(
        liveness.heldSince(liveness.epoch(), 9_001),
        "that heartbeat may have been stored just after it began: it proves nothing now");
    liveness.beat(9_100, 9_120);
    assertTrue(liveness.heldSince(liveness.epoch(), 9_200));
  }
}
