package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.eval.Corpus.Recording;
import ai.voice.stt.support.TestData;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The confidence means something: on the 12 corpus recordings, copies with white noise mixed in
 * (seeded, 5 dB below the recording's own RMS level) get a lower mean result confidence than the
 * clean recordings. Prints both means (docs/benchmarks.md).
 */
class ConfidenceUnderNoiseTest {
  private static final double NOISE_DB_BELOW_SPEECH = 5;

  @Test
  void noisyCopiesGetALowerMeanConfidenceThanTheCleanRecordings() throws Exception {
    double clean = 0;
    double noisy = 0;
    int n = 0;
    Random random = new Random(21);
    try (LocalWhisperRecognizer recognizer =
        new LocalWhisperRecognizer(TestData.model(), 1, 2, AudioContext.AUTO)) {
      for (Recording recording : TestData.corpus()) {
        float[] samples = samples(recording.clip());
        Transcript a = recognizer.transcribe(samples, Optional.empty());
        Transcript b = recognizer.transcribe(withNoise(samples, random), Optional.empty());
        double ca = a.confidence().orElse(0);
        double cb = b.confidence().orElse(0);
        System.out.printf(
            Locale.ROOT,
            "%s clean %.3f \"%s\" / noisy %.3f \"%s\"%n",
            recording.name(),
            ca,
            a.text(),
            cb,
            b.text());
        clean += ca;
        noisy += cb;
        n++;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "mean confidence over %d recordings: clean %.3f, noisy (%.0f dB below speech) %.3f%n",
        n,
        clean / n,
        NOISE_DB_BELOW_SPEECH,
        noisy / n);
    assertTrue(noisy < clean, "noisy " + noisy / n + " vs clean " + clean / n);
  }

  private static float[] withNoise(float[] speech, Random random) {
    double sum = 0;
    for (float s : speech) {
      sum += s * s;
    }
    double rms = Math.sqrt(sum / speech.length);
    double noiseRms = rms * Math.pow(10, -NOISE_DB_BELOW_SPEECH / 20);
    float[] out = new float[speech.length];
    for (int i = 0; i < speech.length; i++) {
      out[i] = (float) Math.clamp(speech[i] + random.nextGaussian() * noiseRms, -1.0, 1.0);
    }
    return out;
  }

  private static float[] samples(AudioClip clip) {
    short[] pcm = new AudioNormalizer(clip.sampleRate(), clip.channels()).normalize(clip.pcm());
    return Pcm16.toFloat(pcm, 0, pcm.length);
  }
}
