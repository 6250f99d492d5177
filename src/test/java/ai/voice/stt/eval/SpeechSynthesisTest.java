package ai.voice.stt.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test speech is a function of its text: the same words make the same samples on every run, so a
 * test or a measurement that hears them hears what the last one heard (a dithered "Save." was heard
 * "Hey..." on some runs and failed a fresh-clone CI run).
 */
class SpeechSynthesisTest {
  @Test
  void theSameTextMakesTheSameSamplesEveryTime(@TempDir Path dir) throws Exception {
    byte[] first = said(dir, "a", "Save.");
    byte[] second = said(dir, "b", "Save.");
    assertTrue(first.length > 16_000 * 2, "speech and its silence: " + first.length + " bytes");
    assertArrayEquals(first, second);
  }

  /** espeak-ng's output converted to 16 kHz with silence around it, as the word-times test does. */
  private static byte[] said(Path dir, String name, String text) throws Exception {
    Path raw = dir.resolve(name + ".espeak.wav");
    Path wav = dir.resolve(name + ".wav");
    SpeechSynthesis.espeak(raw, text, "en-gb", 150, false);
    SpeechSynthesis.toPcm16k(raw, wav, 1.0, 1.2);
    return Files.readAllBytes(wav);
  }
}
