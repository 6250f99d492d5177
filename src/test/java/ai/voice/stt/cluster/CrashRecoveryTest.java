package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.session.SessionCheckpoint;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Where a session resumes after its owner died, from its checkpoints and the results stream. */
class CrashRecoveryTest {
  private static SessionCheckpoint after(long outputs, String owner) {
    return new SessionCheckpoint(
        owner,
        10 * outputs,
        10 * outputs + 3,
        16_000 * outputs,
        16_000 * outputs,
        16_000 * outputs,
        outputs,
        outputs,
        SessionState.LISTENING,
        StreamMessage.Start.defaults(),
        outputs > 0,
        0);
  }

  private final SessionCheckpoint claimed = after(0, "r1");
  private final SessionCheckpoint first = after(1, "r1");
  private final SessionCheckpoint second = after(2, "r1");

  @Test
  void anOutputThatReachedTheResultsStreamIsNotProducedAgain() {
    CrashRecovery.Resume r =
        CrashRecovery.resume(List.of(claimed, first, second), OptionalLong.of(2));
    assertSame(second, r.from());
    assertEquals(CrashRecovery.Last.DELIVERED, r.last());
  }

  @Test
  void anOutputCommittedButNeverPublishedIsProducedAgainFromTheCheckpointBeforeIt() {
    CrashRecovery.Resume r =
        CrashRecovery.resume(List.of(claimed, first, second), OptionalLong.of(1));
    assertSame(first, r.from());
    assertEquals(CrashRecovery.Last.REPLAYED, r.last());
  }

  @Test
  void theSessionsFirstOutputLostReplaysFromItsClaim() {
    CrashRecovery.Resume r = CrashRecovery.resume(List.of(claimed, first), OptionalLong.of(0));
    assertSame(claimed, r.from());
    assertEquals(CrashRecovery.Last.REPLAYED, r.last());
  }

  @Test
  void theNewestCheckpointWithThatNumberWinsOverAnOlderClaimOfIt() {
    SessionCheckpoint takenOver = first.withOwner("r2");
    CrashRecovery.Resume r =
        CrashRecovery.resume(
            List.of(claimed, first, takenOver, after(2, "r2")), OptionalLong.of(1));
    assertSame(takenOver, r.from());
  }

  @Test
  void aLostOutputWhoseEarlierCheckpointIsGoneIsReportedLost() {
    CrashRecovery.Resume r = CrashRecovery.resume(List.of(second), OptionalLong.of(1));
    assertSame(second, r.from());
    assertEquals(CrashRecovery.Last.LOST, r.last());
  }

  @Test
  void anUnreadableOrAgedOutRecordKeepsTheNewestCheckpoint() {
    List<SessionCheckpoint> history = List.of(claimed, first, second);
    assertSame(second, CrashRecovery.resume(history, OptionalLong.empty()).from());
    assertEquals(
        CrashRecovery.Last.DELIVERED, CrashRecovery.resume(history, OptionalLong.of(0)).last());
  }
}
