package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecognitionDeadlineTest {
  @Test
  void theDeadlineIsTheBasePlusTheFactorTimesTheAudio() {
    RecognitionDeadline deadline = new RecognitionDeadline(Duration.ofSeconds(30), 10);
    assertEquals(Duration.ofSeconds(30), deadline.forSamples(0));
    assertEquals(Duration.ofSeconds(40), deadline.forSamples(16_000), "1 s of audio");
    assertEquals(Duration.ofMillis(35_500), deadline.forSamples(8_800), "0.55 s of audio");
    assertEquals(Duration.ofSeconds(330), deadline.forSamples(30 * 16_000), "30 s of audio");
  }

  @Test
  void theDefaultLeavesASlowModelFarInsideIt() {
    // large-v3 on one CPU core: about 3 s per second of audio, on the longest utterance (30 s).
    Duration slowest = Duration.ofSeconds(3 * 30);
    Duration allowed = RecognitionDeadline.DEFAULT.forSamples(30 * 16_000);
    assertEquals(Duration.ofSeconds(330), allowed);
    assertEquals(-1, slowest.multipliedBy(3).compareTo(allowed), "a third of it at most");
  }

  @Test
  void aFactorOfZeroGivesEveryRecognitionTheBase() {
    RecognitionDeadline fixed = new RecognitionDeadline(Duration.ofSeconds(5), 0);
    assertEquals(Duration.ofSeconds(5), fixed.forSamples(16_000 * 20));
  }

  @Test
  void itSaysHowItCameAbout() {
    assertEquals(
        "40.0 s (30.0 s + 10.0 x 1.00 s of audio)", RecognitionDeadline.DEFAULT.explain(16_000));
  }

  @Test
  void aBaseOfZeroOrANegativeFactorIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RecognitionDeadline(Duration.ZERO, 1));
    assertThrows(
        IllegalArgumentException.class, () -> new RecognitionDeadline(Duration.ofSeconds(1), -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RecognitionDeadline(Duration.ofSeconds(1), Double.NaN));
  }
}
