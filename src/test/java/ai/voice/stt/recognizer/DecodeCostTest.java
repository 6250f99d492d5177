package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DecodeCostTest {

  @Test
  void nothingIsExpectedBeforeAnyDecodeCompleted() {
    assertEquals(0, new DecodeCost().expected(3));
  }

  @Test
  void oneLengthSeenScalesByItsRatio() {
    DecodeCost cost = new DecodeCost();
    cost.completed(2, 0.4);
    cost.completed(2, 0.6);
    assertEquals(0.75, cost.expected(3), 1e-9);
  }

  @Test
  void severalLengthsFitALineWithAFixedPart() {
    DecodeCost cost = new DecodeCost();
    // 0.3 s of CPU whatever the length, plus 0.1 s per second of audio.
    cost.completed(1, 0.4);
    cost.completed(3, 0.6);
    cost.completed(5, 0.8);
    assertEquals(1.3, cost.expected(10), 1e-9);
    assertEquals(0.3, cost.expected(0), 1e-9);
  }

  @Test
  void savedIsTheExpectedCostLessWhatWasSpentAndNeverNegative() {
    DecodeCost cost = new DecodeCost();
    cost.completed(1, 0.4);
    cost.completed(3, 0.6);
    assertEquals(0.3, cost.saved(2, 0.2), 1e-9);
    assertEquals(0, cost.saved(2, 0.9));
  }
}
