package ai.voice.stt.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class Pcm16Test {

  @Test
  void decodesLittleEndianSignedSamples() {
    byte[] pcm = {0x01, 0x00, (byte) 0xff, (byte) 0xff, 0x00, (byte) 0x80};
    assertArrayEquals(new short[] {1, -1, Short.MIN_VALUE}, Pcm16.toMono(pcm, 1));
  }

  @Test
  void downMixesStereoByAveragingTheChannels() {
    short[] stereo = {1000, 3000, -2000, 0};
    assertArrayEquals(new short[] {2000, -1000}, Pcm16.toMono(Pcm16.toBytes(stereo), 2));
  }

  @Test
  void convertsToWhispersFloatRange() {
    float[] f = Pcm16.toFloat(new short[] {Short.MIN_VALUE, 16384}, 0, 2);
    assertEquals(-1.0f, f[0]);
    assertEquals(0.5f, f[1]);
  }
}
