package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@code STT_WHISPER_AUDIO_CTX=auto}: the encoder window is the utterance's length (50 frames a
 * second) plus 128 frames, never under 512 (decisions/0003, 0036), and the full window (0) from
 * 1500 up.
 */
class AutoWindowTest {
  private static final int SECOND = 16_000;

  @Test
  void shortSpeechGetsTheFloor() {
    assertEquals(512, LocalWhisperRecognizer.autoContextFrames(SECOND));
    assertEquals(512, LocalWhisperRecognizer.autoContextFrames(7 * SECOND));
  }

  @Test
  void longerSpeechGetsItsLengthAndTheMargin() {
    assertEquals(528, LocalWhisperRecognizer.autoContextFrames(8 * SECOND));
    assertEquals(728, LocalWhisperRecognizer.autoContextFrames(12 * SECOND));
    assertEquals(1128, LocalWhisperRecognizer.autoContextFrames(20 * SECOND));
  }

  @Test
  void fromTheFullWindowUpItIsTheFullWindow() {
    assertEquals(0, LocalWhisperRecognizer.autoContextFrames(28 * SECOND));
    assertEquals(0, LocalWhisperRecognizer.autoContextFrames(30 * SECOND));
  }
}
