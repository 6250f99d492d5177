package ai.voice.stt.support;

import ai.voice.stt.audio.AudioClip;

/** Builds test streams from real recordings (in memory; nothing generated is written to disk). */
public final class Clips {
  private Clips() {}

  /** Digital silence before and after a 16 kHz mono recording. */
  public static AudioClip padded(AudioClip speech, double silenceBefore, double silenceAfter) {
    int before = silenceBytes(speech, silenceBefore);
    int after = silenceBytes(speech, silenceAfter);
    byte[] pcm = new byte[before + speech.pcm().length + after];
    System.arraycopy(speech.pcm(), 0, pcm, before, speech.pcm().length);
    return new AudioClip(pcm, speech.sampleRate(), speech.channels());
  }

  /**
   * Seconds from the start of the clip to the first 10 ms window louder than -40 dBFS: where the
   * speaker actually starts, as opposed to where the recording starts.
   */
  public static double speechOnsetSeconds(AudioClip clip) {
    int window = clip.sampleRate() / 100 * clip.channels();
    byte[] pcm = clip.pcm();
    double threshold = 32768 * Math.pow(10, -40 / 20.0);
    for (int start = 0; start + window * 2 <= pcm.length; start += window * 2) {
      double sum = 0;
      for (int i = 0; i < window; i++) {
        int b = start + 2 * i;
        short s = (short) ((pcm[b] & 0xff) | (pcm[b + 1] << 8));
        sum += (double) s * s;
      }
      if (Math.sqrt(sum / window) > threshold) {
        return start / (2.0 * clip.channels() * clip.sampleRate());
      }
    }
    return clip.seconds();
  }

  /**
   * Seconds from the start of the clip to the end of the last 10 ms window louder than -40 dBFS:
   * where the speaker actually stops.
   */
  public static double speechEndSeconds(AudioClip clip) {
    int window = clip.sampleRate() / 100 * clip.channels();
    byte[] pcm = clip.pcm();
    double threshold = 32768 * Math.pow(10, -40 / 20.0);
    double end = 0;
    for (int start = 0; start + window * 2 <= pcm.length; start += window * 2) {
      double sum = 0;
      for (int i = 0; i < window; i++) {
        int b = start + 2 * i;
        short s = (short) ((pcm[b] & 0xff) | (pcm[b + 1] << 8));
        sum += (double) s * s;
      }
      if (Math.sqrt(sum / window) > threshold) {
        end = (start + window * 2) / (2.0 * clip.channels() * clip.sampleRate());
      }
    }
    return end;
  }

  /** The first {@code seconds} of a clip. */
  public static AudioClip head(AudioClip clip, double seconds) {
    int bytes = Math.min(clip.pcm().length, silenceBytes(clip, seconds));
    return new AudioClip(
        java.util.Arrays.copyOf(clip.pcm(), bytes), clip.sampleRate(), clip.channels());
  }

  private static int silenceBytes(AudioClip clip, double seconds) {
    return (int) Math.round(seconds * clip.sampleRate()) * 2 * clip.channels();
  }
}
