package ai.voice.stt.eval;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Audio with no speech in it, made from a seed (nothing is committed or downloaded): digital
 * silence, a faint noise floor, white, pink and brown noise, mains hum and clicks, at a chosen
 * level. The same kind, level and seed always give the same samples, so a test that fails on one
 * fails again on it. Used by the tests (no text on non-speech) and by {@code stt bench --noise}.
 */
public final class NonSpeech {
  public static final int SAMPLE_RATE = 16_000;

  private NonSpeech() {}

  /** What a clip is made of. */
  public enum Kind {
    /** Digital zeros. */
    SILENCE,
    /** White noise (flat spectrum). */
    WHITE,
    /** Pink noise (-3 dB per octave): fans, rain, room tone. */
    PINK,
    /** Brown noise (-6 dB per octave): rumble, wind, traffic. */
    BROWN,
    /** 50 Hz mains hum with its odd and even harmonics over a faint noise floor. */
    HUM,
    /** Sharp clicks at random times (keyboard, mouse, plosive-like bursts) over a faint floor. */
    CLICKS,
    /** 4 s of silence, 4 s of white noise, then silence (the case issue 23 reported). */
    SILENCE_NOISE_SILENCE
  }

  /**
   * One clip of non-speech.
   *
   * @param level RMS in dBFS of the noise part (a click's peak for {@link Kind#CLICKS})
   */
  public record Spec(Kind kind, double level, long seed, double seconds) {
    public String name() {
      return kind.name().toLowerCase(java.util.Locale.ROOT)
          + (kind == Kind.SILENCE ? "" : "@" + Math.round(level) + "dB")
          + "#"
          + seed;
    }

    public AudioClip clip() {
      return NonSpeech.clip(this);
    }
  }

  /** 16 kHz mono PCM16 of a spec. */
  public static AudioClip clip(Spec spec) {
    int n = (int) Math.round(spec.seconds() * SAMPLE_RATE);
    SplittableRandom random = new SplittableRandom(spec.seed());
    double[] x =
        switch (spec.kind()) {
          case SILENCE -> new double[n];
          case WHITE -> scaled(white(random, n), spec.level());
          case PINK -> scaled(pink(random, n), spec.level());
          case BROWN -> scaled(brown(random, n), spec.level());
          case HUM -> plus(scaled(hum(random, n), spec.level()), floor(random, n));
          case CLICKS -> plus(clicks(random, n, spec.level()), floor(random, n));
          case SILENCE_NOISE_SILENCE -> {
            double[] noise = scaled(white(random, n), spec.level());
            double[] out = new double[n];
            int from = Math.min(n, 4 * SAMPLE_RATE);
            int to = Math.min(n, 8 * SAMPLE_RATE);
            System.arraycopy(noise, from, out, from, to - from);
            yield out;
          }
        };
    return pcm(x);
  }

  /**
   * A mix of every kind at a few levels, {@code perKind} seeds each (from {@code firstSeed}): the
   * set the tests and the bench run. Levels span a quiet room (-60 dBFS) to loud noise (-20).
   */
  public static List<Spec> mix(int perKind, long firstSeed, double seconds) {
    List<Spec> specs = new ArrayList<>();
    double[][] levels = {
      {0}, // silence
      {-45, -35, -25}, // white
      {-40, -30, -20}, // pink
      {-35, -25}, // brown
      {-40, -25}, // hum
      {-20, -6}, // clicks (peak)
      {-35, -25} // silence, white noise, silence
    };
    Kind[] kinds = Kind.values();
    for (int s = 0; s < perKind; s++) {
      long seed = firstSeed + s;
      for (int k = 0; k < kinds.length; k++) {
        double[] ls = levels[k];
        // One level per kind and seed, turning through the levels as the seed advances.
        double level = ls[(int) Math.floorMod(seed, (long) ls.length)];
        double length = kinds[k] == Kind.SILENCE_NOISE_SILENCE ? Math.max(seconds, 10) : seconds;
        specs.add(new Spec(kinds[k], level, seed, length));
      }
    }
    return specs;
  }

  /**
   * {@code clip} (16 kHz mono PCM16) with white noise of {@code rmsDb} dBFS RMS from {@code seed}
   * added: a microphone's noise floor under speech whose pauses were synthesized as digital
   * silence.
   */
  public static AudioClip withFloor(AudioClip clip, double rmsDb, long seed) {
    short[] samples = Pcm16.toMono(clip.pcm(), clip.channels());
    double[] x = scaled(white(new SplittableRandom(seed), samples.length), rmsDb);
    for (int i = 0; i < x.length; i++) {
      x[i] += samples[i] / 32767.0;
    }
    return pcm(x);
  }

  private static double[] white(SplittableRandom random, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = gaussian(random);
    }
    return x;
  }

  /** Paul Kellet's economy pink filter over white noise. */
  private static double[] pink(SplittableRandom random, int n) {
    double[] x = new double[n];
    double b0 = 0;
    double b1 = 0;
    double b2 = 0;
    for (int i = 0; i < n; i++) {
      double w = gaussian(random);
      b0 = 0.99765 * b0 + w * 0.0990460;
      b1 = 0.96300 * b1 + w * 0.2965164;
      b2 = 0.57000 * b2 + w * 1.0526913;
      x[i] = b0 + b1 + b2 + w * 0.1848;
    }
    return x;
  }

  /** Integrated white noise with a slight leak, so it does not drift off. */
  private static double[] brown(SplittableRandom random, int n) {
    double[] x = new double[n];
    double y = 0;
    for (int i = 0; i < n; i++) {
      y = 0.998 * y + gaussian(random);
      x[i] = y;
    }
    return x;
  }

  /** 50 Hz and its harmonics up to 450 Hz, falling off, with a random phase each. */
  private static double[] hum(SplittableRandom random, int n) {
    double[] x = new double[n];
    for (int h = 1; h <= 9; h++) {
      double phase = random.nextDouble() * 2 * Math.PI;
      double amplitude = 1.0 / h;
      double w = 2 * Math.PI * 50 * h / SAMPLE_RATE;
      for (int i = 0; i < n; i++) {
        x[i] += amplitude * Math.sin(w * i + phase);
      }
    }
    return x;
  }

  /** Clicks 50-600 ms apart: a few ms of decaying noise each, peaking at {@code peakDb}. */
  private static double[] clicks(SplittableRandom random, int n, double peakDb) {
    double[] x = new double[n];
    double peak = Math.pow(10, peakDb / 20);
    int at = random.nextInt(SAMPLE_RATE / 2);
    while (at < n) {
      int length = 16 + random.nextInt(80); // 1-6 ms
      double sign = random.nextBoolean() ? 1 : -1;
      for (int i = 0; i < length && at + i < n; i++) {
        double decay = Math.exp(-5.0 * i / length);
        x[at + i] += peak * decay * (i == 0 ? sign : 0.6 * gaussian(random));
      }
      at += SAMPLE_RATE / 20 + random.nextInt(SAMPLE_RATE * 11 / 20);
    }
    return x;
  }

  /** A faint noise floor (-70 dBFS RMS), as any real microphone has. */
  private static double[] floor(SplittableRandom random, int n) {
    return scaled(white(random, n), -70);
  }

  private static double[] scaled(double[] x, double rmsDb) {
    double sum = 0;
    for (double v : x) {
      sum += v * v;
    }
    double rms = Math.sqrt(sum / Math.max(1, x.length));
    double gain = rms == 0 ? 0 : Math.pow(10, rmsDb / 20) / rms;
    for (int i = 0; i < x.length; i++) {
      x[i] *= gain;
    }
    return x;
  }

  private static double[] plus(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  private static double gaussian(SplittableRandom random) {
    return random.nextGaussian();
  }

  private static AudioClip pcm(double[] x) {
    byte[] pcm = new byte[2 * x.length];
    for (int i = 0; i < x.length; i++) {
      int s = (int) Math.round(Math.max(-1, Math.min(1, x[i])) * 32767);
      pcm[2 * i] = (byte) s;
      pcm[2 * i + 1] = (byte) (s >> 8);
    }
    return new AudioClip(pcm, SAMPLE_RATE, 1);
  }
}
