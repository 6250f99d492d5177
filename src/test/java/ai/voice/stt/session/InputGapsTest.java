package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** When a jump in the client's capture times is audio lost to an outage of the input. */
class InputGapsTest {
  private final InputGaps gaps = new InputGaps();
  private final InputOutages outages = new InputOutages();

  private double chunk(double at) {
    return gaps.missingBefore(OptionalDouble.of(at), 0.02, outages);
  }

  @Test
  void chunksThatFollowEachOtherMissNothing() {
    outages.record(100, 108);
    assertEquals(0, chunk(100.00));
    assertEquals(0, chunk(100.02));
    assertEquals(0, chunk(100.31), "a short jump is jitter, outage or not");
  }

  @Test
  void aJumpThatBeginsInAnOutageIsTheAudioThatDidNotArrive() {
    chunk(100.00);
    chunk(100.02);
    outages.record(100.03, 108);
    assertEquals(8.0, chunk(108.04), 1e-9);
    assertEquals(0, chunk(108.06), "named once");
  }

  @Test
  void anOutageStillGoingOnCountsToo() {
    chunk(100.00);
    outages.began(100.5);
    assertEquals(4.98, chunk(105.00), 1e-9);
  }

  @Test
  void aJumpOutsideAnyOutageIsAClientThatPausedOnPurpose() {
    outages.record(50, 58);
    chunk(100.00);
    assertEquals(0, chunk(130.00));
  }

  @Test
  void withoutTimestampsNothingCanBeTold() {
    outages.record(100, 200);
    chunk(100.00);
    assertEquals(0, gaps.missingBefore(OptionalDouble.empty(), 0.02, outages));
    assertEquals(0, chunk(140.00), "no previous capture time to compare with");
  }

  @Test
  void withOneReplicaNothingIsEverKnownLost() {
    gaps.missingBefore(OptionalDouble.of(100), 0.02, InputOutages.NONE);
    InputOutages.NONE.record(100, 200);
    assertEquals(0, gaps.missingBefore(OptionalDouble.of(150), 0.02, InputOutages.NONE));
  }
}
