package ai.voice.stt.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamingResamplerTest {

  @ParameterizedTest
  @ValueSource(ints = {8_000, 32_000, 48_000})
  void producesSixteenKilohertzWithTheSameDurationWhateverTheChunking(int rate) {
    short[] tone = sine(rate, 440, rate); // one second
    StreamingResampler whole = new StreamingResampler(rate, 16_000);
    short[] expected = whole.process(tone);
    assertEquals(16_000, expected.length, 1);

    StreamingResampler chunked = new StreamingResampler(rate, 16_000);
    short[] joined = new short[0];
    for (int offset = 0; offset < tone.length; offset += 317) { // odd chunk size on purpose
      short[] part =
          chunked.process(Arrays.copyOfRange(tone, offset, Math.min(tone.length, offset + 317)));
      joined = concat(joined, part);
    }
    assertArrayEquals(expected, joined, "chunk boundaries must not change the output");
  }

  @ParameterizedTest
  @ValueSource(ints = {8_000, 48_000})
  void keepsAToneInsideTheBandAtItsLevel(int rate) {
    short[] out = new StreamingResampler(rate, 16_000).process(sine(rate, 440, rate));
    double rms = rms(Arrays.copyOfRange(out, 1_000, 15_000));
    assertEquals(10_000 / Math.sqrt(2), rms, 10_000 * 0.03);
  }

  @Test
  void removesATonAboveTheNewNyquistFrequency() {
    short[] out = new StreamingResampler(48_000, 16_000).process(sine(48_000, 12_000, 48_000));
    double rms = rms(Arrays.copyOfRange(out, 1_000, 15_000));
    assertTrue(rms < 10_000 * 0.05, "aliased energy " + rms);
  }

  @Test
  void sixteenKilohertzPassesThroughUntouched() {
    short[] in = sine(16_000, 440, 1_600);
    assertArrayEquals(in, new StreamingResampler(16_000, 16_000).process(in));
  }

  private static short[] sine(int rate, double hz, int samples) {
    short[] s = new short[samples];
    for (int i = 0; i < samples; i++) {
      s[i] = (short) Math.round(10_000 * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return s;
  }

  private static double rms(short[] s) {
    double sum = 0;
    for (short v : s) {
      sum += (double) v * v;
    }
    return Math.sqrt(sum / s.length);
  }

  private static short[] concat(short[] a, short[] b) {
    short[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
