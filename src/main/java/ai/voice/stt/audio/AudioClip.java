package ai.voice.stt.audio;

/** A whole recording: PCM16LE interleaved, with its format. */
public record AudioClip(byte[] pcm, int sampleRate, int channels) {
  public double seconds() {
    return pcm.length / (2.0 * channels * sampleRate);
  }

  public int bytesPerMillis(int millis) {
    return sampleRate * channels * 2 * millis / 1000;
  }
}
