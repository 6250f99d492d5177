package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** When a jump in the client's capture times is audio lost to a NATS outage. */
class InputGapsTest {
  private final InputGaps gaps = new InputGaps();

  private double chunk(double at, long outages) {
    return gaps.missingBefore(OptionalDouble.of(at), 0.02, outages);
  }

  @Test
  void chunksThatFollowEachOtherMissNothing() {
    assertEquals(0, chunk(100.00, 0));
    assertEquals(0, chunk(100.02, 0));
    assertEquals(0, chunk(100.31, 1), "a short jump across an outage is jitter");
  }

  @Test
  void aJumpAcrossAnOutageIsTheAudioThatDidNotArrive() {
    chunk(100.00, 0);
    chunk(100.02, 0);
    assertEquals(8.0, chunk(108.04, 1), 1e-9);
    assertEquals(0, chunk(108.06, 1), "named once");
  }

  @Test
  void aJumpWithoutAnOutageIsAClientThatPausedOnPurpose() {
    chunk(100.00, 0);
    assertEquals(0, chunk(130.00, 0));
  }

  @Test
  void withoutTimestampsNothingCanBeTold() {
    chunk(100.00, 0);
    assertEquals(0, gaps.missingBefore(OptionalDouble.empty(), 0.02, 1));
    assertEquals(0, chunk(140.00, 2), "no previous capture time to compare with");
  }
}
