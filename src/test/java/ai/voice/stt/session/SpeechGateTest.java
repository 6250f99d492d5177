package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpeechGateTest {
  private static final int FRAME = 480;
  private static final SpeechGate GATE = new SpeechGate(8, 2.0);

  @Test
  void aShortBlipOfVoicedFramesIsNotSpeech() {
    boolean[] voiced = pattern(20, 5, 7); // 7 voiced frames in a row, then quiet
    assertFalse(GATE.isSpeech(voiced, syllables(20, 1)));
    assertTrue(GATE.isSpeech(pattern(20, 5, 8), syllables(20, 1)), "8 in a row is enough");
  }

  @Test
  void steadyNoiseThatTheVadCallsSpeechIsNotSpeech() {
    boolean[] all = pattern(100, 0, 100);
    assertFalse(GATE.isSpeech(all, steady(100, 3000, 2)), "steady hiss");
    assertTrue(GATE.isSpeech(all, syllables(100, 2)), "the same level rising and falling");
  }

  @Test
  void nothingVoicedIsNeverSpeechAndTheGateOffTakesAnyVoicedFrame() {
    assertFalse(SpeechGate.OFF.isSpeech(new boolean[10], steady(10, 3000, 3)));
    assertTrue(SpeechGate.OFF.isSpeech(pattern(10, 0, 1), steady(10, 3000, 3)));
  }

  @Test
  void modulationIsTheLoudFramesAboveTheMedian() {
    assertTrue(SpeechGate.modulationDb(new double[] {40, 40, 40, 40}) == 0);
    double[] rising = new double[20];
    for (int i = 0; i < rising.length; i++) {
      rising[i] = 40 + i;
    }
    assertTrue(SpeechGate.modulationDb(rising) >= 8, "p95 49 over median 49-ish minus 10");
  }

  private static boolean[] pattern(int frames, int from, int count) {
    boolean[] voiced = new boolean[frames];
    for (int i = from; i < from + count && i < frames; i++) {
      voiced[i] = true;
    }
    return voiced;
  }

  /** White noise of one level in every frame. */
  private static short[][] steady(int frames, double rms, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    short[][] out = new short[frames][FRAME];
    for (short[] f : out) {
      for (int i = 0; i < FRAME; i++) {
        f[i] = (short) Math.round(random.nextGaussian() * rms);
      }
    }
    return out;
  }

  /** White noise whose level peaks 20 dB higher in one frame of three, as syllables do. */
  private static short[][] syllables(int frames, long seed) {
    short[][] out = steady(frames, 3000, seed);
    for (int k = 0; k < frames; k++) {
      double gain = k % 6 < 2 ? 1 : 0.1;
      for (int i = 0; i < FRAME; i++) {
        out[k][i] = (short) Math.round(out[k][i] * gain);
      }
    }
    return out;
  }
}
