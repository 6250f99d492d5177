package ai.voice.stt.turn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.eval.TurnRequests;
import ai.voice.stt.support.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Smart Turn v3.2 model through ONNX Runtime, on speech generated here with espeak-ng. */
class SmartTurnModelTest {
  private static SmartTurnModel model;
  @TempDir static Path speech;

  @BeforeAll
  static void load() {
    model = SmartTurnModel.load(TestData.turnModel());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void aShortAnswerIsComplete() throws Exception {
    double p = model.completeness(samples(TurnRequests.sentence("Yes.", 200, speech)));
    assertTrue(p >= 0.5, "completeness " + p);
  }

  @Test
  void moreThanEightSecondsIsJudgedOnItsEnd() {
    AudioClip stream = TestData.stream("multi_utterance").clip();
    double p = model.completeness(samples(stream));
    assertTrue(p >= 0 && p <= 1, "completeness " + p);
  }

  @Test
  void aMissingModelIsNamedWithTheScriptThatFetchesIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SmartTurnModel.load(speech.resolve("missing.onnx")));
    assertTrue(e.getMessage().contains("scripts/ensure-turn-model.sh"), e.getMessage());
  }

  private static float[] samples(AudioClip clip) {
    short[] mono = Pcm16.toMono(clip.pcm(), clip.channels());
    return Pcm16.toFloat(mono, 0, mono.length);
  }
}
