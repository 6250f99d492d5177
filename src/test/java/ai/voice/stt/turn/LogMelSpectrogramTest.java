package ai.voice.stt.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.support.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java front end against the one Smart Turn was trained with: pipecat's numpy port of
 * transformers' WhisperFeatureExtractor, read from the pipecat-ai wheel and run at test time on the
 * same audio (scripts/logmel_reference.py). Tolerance: 1e-4 on the normalised features (they span
 * about [−1, 1.5]); the reference normalises the waveform in float32, the Java code in double.
 */
class LogMelSpectrogramTest {
  private static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  @Test
  void shortRecordingIsLeftPaddedLikeTheReference() throws Exception {
    assertMatchesReference(samples(TestData.recording("cards_001").clip()));
  }

  @Test
  void longStreamKeepsItsLastEightSecondsLikeTheReference() throws Exception {
    assertMatchesReference(samples(TestData.stream("multi_utterance").clip()));
  }

  @Test
  void silenceMatchesTheReference() throws Exception {
    assertMatchesReference(new float[16_000]);
  }

  private void assertMatchesReference(float[] audio) throws Exception {
    float[][] ours = new LogMelSpectrogram().features(audio);
    float[] theirs = reference(audio);
    assertEquals(LogMelSpectrogram.MELS * LogMelSpectrogram.FRAMES, theirs.length);
    double worst = 0;
    for (int m = 0; m < LogMelSpectrogram.MELS; m++) {
      for (int t = 0; t < LogMelSpectrogram.FRAMES; t++) {
        worst = Math.max(worst, Math.abs(ours[m][t] - theirs[m * LogMelSpectrogram.FRAMES + t]));
      }
    }
    assertTrue(worst <= TOLERANCE, "largest difference from the reference: " + worst);
  }

  private float[] reference(float[] audio) throws IOException, InterruptedException {
    Path in = dir.resolve("in.f32");
    Path out = dir.resolve("out.f32");
    ByteBuffer bytes = ByteBuffer.allocate(audio.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(audio);
    Files.write(in, bytes.array());
    ProcessBuilder builder =
        new ProcessBuilder(
                "python3",
                "scripts/logmel_reference.py",
                TestData.turnWheel().toString(),
                in.toString(),
                out.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("python.log").toFile());
    builder.environment().put("PYTHONPATH", Path.of(".cache/pydeps").toAbsolutePath().toString());
    Process python = builder.start();
    assertTrue(python.waitFor(60, TimeUnit.SECONDS), "reference timed out");
    assertEquals(
        0, python.exitValue(), () -> "reference failed: " + read(dir.resolve("python.log")));
    ByteBuffer result = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
    float[] features = new float[result.remaining() / 4];
    result.asFloatBuffer().get(features);
    return features;
  }

  private static float[] samples(AudioClip clip) {
    assertEquals(16_000, clip.sampleRate());
    short[] mono = Pcm16.toMono(clip.pcm(), clip.channels());
    return Pcm16.toFloat(mono, 0, mono.length);
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
