package ai.voice.stt.eval;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Noise beds and speech mixed into them, at 16 kHz, from seeds: the streams {@code stt vad-check}
 * runs both VADs on. The noise kinds are {@link NonSpeech}'s plus babble, several talkers of other
 * speech summed. Nothing is committed or downloaded.
 */
public final class NoisySpeech {
  /** Length of the frames the reference labels are given for (the service's frames). */
  public static final int FRAME_SAMPLES = 480;

  /** Talkers summed into babble. */
  private static final int TALKERS = 6;

  private NoisySpeech() {}

  /** Kinds of noise: NonSpeech's stationary and impulsive ones, and babble. */
  public enum Noise {
    WHITE,
    PINK,
    BROWN,
    HUM,
    CLICKS,
    /** Six talkers of other speech at once, each from a random point, looped. */
    BABBLE
  }

  /**
   * {@code samples} of noise at {@code levelDb} RMS dBFS (a click's peak for clicks).
   *
   * @param talkers speech the babble is made of (16 kHz mono); unused by the other kinds
   */
  public static short[] noise(
      Noise kind, int samples, long seed, double levelDb, List<short[]> talkers) {
    if (kind == Noise.BABBLE) {
      return babble(talkers, samples, seed, levelDb);
    }
    NonSpeech.Kind k = NonSpeech.Kind.valueOf(kind.name());
    double seconds = samples / (double) NonSpeech.SAMPLE_RATE;
    AudioClip clip = new NonSpeech.Spec(k, levelDb, seed, seconds).clip();
    return Arrays.copyOf(Pcm16.toMono(clip.pcm(), 1), samples);
  }

  /** Babble: {@value #TALKERS} talkers, each scaled to the same level, summed, then scaled. */
  static short[] babble(List<short[]> talkers, int samples, long seed, double levelDb) {
    if (talkers.isEmpty()) {
      throw new IllegalArgumentException("babble needs speech to mix");
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] sum = new double[samples];
    for (int t = 0; t < TALKERS; t++) {
      short[] talker = talkers.get(random.nextInt(talkers.size()));
      double gain = 1 / Math.max(1e-9, rms(talker, 0, talker.length));
      int at = random.nextInt(talker.length);
      for (int i = 0; i < samples; i++) {
        sum[i] += gain * talker[(at + i) % talker.length];
      }
    }
    return scaled(sum, levelDb);
  }

  /**
   * Speech with {@code leadSamples} of the noise before it and {@code tailSamples} after, the noise
   * running under the speech at {@code snrDb} below the speech's active level (its frames labelled
   * speech by {@link #labels}); {@code noise} at least as long as the result, or null for clean
   * speech with silence around it.
   */
  public static short[] mix(
      short[] speech, short[] noise, double snrDb, int leadSamples, int tailSamples) {
    int n = leadSamples + speech.length + tailSamples;
    double[] out = new double[n];
    for (int i = 0; i < speech.length; i++) {
      out[leadSamples + i] = speech[i];
    }
    if (noise != null) {
      double gain =
          activeLevel(speech) / Math.pow(10, snrDb / 20) / Math.max(1e-9, rms(noise, 0, n));
      for (int i = 0; i < n; i++) {
        out[i] += gain * noise[i];
      }
    }
    short[] pcm = new short[n];
    for (int i = 0; i < n; i++) {
      pcm[i] = (short) Math.round(Math.max(-32768, Math.min(32767, out[i])));
    }
    return pcm;
  }

  /**
   * Reference labels of clean speech, one per 30 ms frame: a frame is speech when its energy is
   * within 30 dB of the recording's loud frames (95th percentile) and above -55 dBFS. Inter-word
   * gaps of a clean recording fall out; crude, but the same reference for every VAD.
   */
  public static boolean[] labels(short[] clean) {
    int frames = clean.length / FRAME_SAMPLES;
    double[] db = new double[frames];
    for (int f = 0; f < frames; f++) {
      db[f] = 20 * Math.log10(Math.max(1e-9, rms(clean, f * FRAME_SAMPLES, FRAME_SAMPLES) / 32768));
    }
    double[] sorted = db.clone();
    Arrays.sort(sorted);
    double loud = frames == 0 ? 0 : sorted[(int) Math.floor(0.95 * (frames - 1))];
    double floor = Math.max(-55, loud - 30);
    boolean[] speech = new boolean[frames];
    for (int f = 0; f < frames; f++) {
      speech[f] = db[f] >= floor;
    }
    return speech;
  }

  /** RMS of the speech frames {@link #labels} marks. */
  static double activeLevel(short[] speech) {
    boolean[] labels = labels(speech);
    double sum = 0;
    long count = 0;
    for (int f = 0; f < labels.length; f++) {
      if (labels[f]) {
        for (int i = f * FRAME_SAMPLES; i < (f + 1) * FRAME_SAMPLES; i++) {
          sum += (double) speech[i] * speech[i];
        }
        count += FRAME_SAMPLES;
      }
    }
    return count == 0 ? 0 : Math.sqrt(sum / count);
  }

  /** 16 kHz mono samples of each recording. */
  public static List<short[]> samples(List<Corpus.Recording> recordings) {
    List<short[]> out = new ArrayList<>();
    for (Corpus.Recording r : recordings) {
      AudioClip clip = r.clip();
      if (clip.sampleRate() != NonSpeech.SAMPLE_RATE) {
        throw new IllegalArgumentException(r.name() + " is not 16 kHz");
      }
      out.add(Pcm16.toMono(clip.pcm(), clip.channels()));
    }
    return out;
  }

  private static double rms(short[] x, int from, int length) {
    double sum = 0;
    int to = Math.min(x.length, from + length);
    for (int i = from; i < to; i++) {
      sum += (double) x[i] * x[i];
    }
    return to > from ? Math.sqrt(sum / (to - from)) : 0;
  }

  private static short[] scaled(double[] x, double levelDb) {
    double sum = 0;
    for (double v : x) {
      sum += v * v;
    }
    double rms = Math.sqrt(sum / Math.max(1, x.length));
    double gain = rms == 0 ? 0 : 32767 * Math.pow(10, levelDb / 20) / rms;
    short[] out = new short[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (short) Math.round(Math.max(-32768, Math.min(32767, x[i] * gain)));
    }
    return out;
  }
}
