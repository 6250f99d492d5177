package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What of a segment's audio the recognizer gets (decisions/0037). */
class RecognizerInputTest {
  private static final int CAP = RecognizerInput.TRAILING_DIGITAL_SILENCE_SAMPLES;

  @Test
  void digitalSilenceThatEndsASegmentIsCutTo100Ms() {
    // 1 s of sound (noise a client sent), then 0.33 s of zeros (it muted its track).
    Segment segment = segment(sound(16_000), 5_280);
    assertEquals(16_000 + CAP, RecognizerInput.length(segment));
    assertEquals(16_000 + CAP, RecognizerInput.of(segment).length);
  }

  @Test
  void aQuietTailThatIsNotExactZerosIsSoundAndKept() {
    short[] samples = Arrays.copyOf(sound(16_000), 21_280);
    Arrays.fill(samples, 16_000, samples.length, (short) 1); // a microphone's floor: never 0
    assertEquals(samples.length, RecognizerInput.length(segment(samples, 0)));
  }

  @Test
  void zerosInsideTheAudioAndShortRunsAtItsEndAreKept() {
    short[] samples = sound(16_000);
    Arrays.fill(samples, 4_000, 12_000, (short) 0); // a gap inside: sound follows it
    assertEquals(16_000, RecognizerInput.length(segment(samples, 0)));
    assertEquals(16_000 + CAP, RecognizerInput.length(segment(sound(16_000), CAP)));
    assertEquals(16_000 + 800, RecognizerInput.length(segment(sound(16_000), 800)));
  }

  @Test
  void aSegmentOfZerosAloneKeepsOnly100Ms() {
    assertEquals(CAP, RecognizerInput.length(segment(new short[0], 8_000)));
  }

  @Test
  void theSamplesKeptAreTheSegmentsOwnScaledToFloats() {
    float[] kept = RecognizerInput.of(segment(new short[] {16_384, -32_768}, 4_000));
    assertEquals(0.5f, kept[0]);
    assertEquals(-1f, kept[1]);
    assertEquals(0f, kept[kept.length - 1]);
  }

  private static Segment segment(short[] sound, int trailingZeros) {
    return new Segment(Arrays.copyOf(sound, sound.length + trailingZeros), 48_000, true, true);
  }

  private static short[] sound(int length) {
    short[] samples = new short[length];
    for (int i = 0; i < length; i++) {
      samples[i] = (short) (i % 2 == 0 ? 500 + i % 100 : -500 - i % 100); // never 0
    }
    return samples;
  }
}
