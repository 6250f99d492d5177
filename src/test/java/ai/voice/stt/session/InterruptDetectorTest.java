package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InterruptDetectorTest {

  @Test
  void firesOnceWhenTheVoicedRunReachesTheMinimum() {
    InterruptDetector detector = new InterruptDetector(8, 10);
    assertEquals(7, firstFiring(detector, "SSSSSSSSSSSS"));
  }

  @Test
  void shortGapsDoNotResetTheCount() {
    InterruptDetector detector = new InterruptDetector(8, 10);
    assertEquals(10, firstFiring(detector, "SSSS...SSSSSS"));
  }

  @Test
  void aLongGapForgetsAnEarlierBurst() {
    InterruptDetector detector = new InterruptDetector(8, 3);
    // 5 voiced, 3 silent (reset), then 8 voiced needed again
    assertEquals(15, firstFiring(detector, "SSSSS...SSSSSSSSSS"));
  }

  @Test
  void aCoughShorterThanTheMinimumNeverFires() {
    assertEquals(-1, firstFiring(new InterruptDetector(8, 3), "SSS......SS....SSSS...."));
  }

  private static int firstFiring(InterruptDetector detector, String frames) {
    for (int i = 0; i < frames.length(); i++) {
      if (detector.onFrame(frames.charAt(i) == 'S')) {
        return i;
      }
    }
    return -1;
  }
}
