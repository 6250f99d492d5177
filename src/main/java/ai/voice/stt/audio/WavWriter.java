package ai.voice.stt.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes 16-bit PCM mono WAV files in memory: the upload format every Whisper server accepts. */
public final class WavWriter {
  private static final int HEADER_BYTES = 44;

  private WavWriter() {}

  /**
   * Encodes whisper-range samples as 16-bit PCM. Samples that came from 16-bit PCM (as the
   * service's always do) survive the round trip exactly: {@code round(s / 32768 * 32768) == s}.
   */
  public static byte[] encode(float[] samples, int sampleRate) {
    ByteBuffer out =
        ByteBuffer.allocate(HEADER_BYTES + 2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
    header(out, sampleRate, 1, 2 * samples.length);
    for (float sample : samples) {
      long scaled = Math.round(sample * 32768.0);
      out.putShort((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, scaled)));
    }
    return out.array();
  }

  /** Wraps interleaved PCM16LE with a WAV header. */
  public static byte[] wrap(byte[] pcm, int sampleRate, int channels) {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
    header(out, sampleRate, channels, pcm.length);
    out.put(pcm);
    return out.array();
  }

  private static void header(ByteBuffer out, int sampleRate, int channels, int dataBytes) {
    out.putInt(0x46464952); // "RIFF"
    out.putInt(36 + dataBytes);
    out.putInt(0x45564157); // "WAVE"
    out.putInt(0x20746d66); // "fmt "
    out.putInt(16);
    out.putShort((short) 1); // PCM
    out.putShort((short) channels);
    out.putInt(sampleRate);
    out.putInt(sampleRate * channels * 2);
    out.putShort((short) (channels * 2));
    out.putShort((short) 16);
    out.putInt(0x61746164); // "data"
    out.putInt(dataBytes);
  }
}
