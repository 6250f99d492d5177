package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TranscriptCleanerTest {
  @Test
  void captionsForNonSpeechAreRemoved() {
    assertEquals("", TranscriptCleaner.clean("[BLANK_AUDIO]"));
    assertEquals("Go forward.", TranscriptCleaner.clean(" (music) Go forward. *cough*"));
    assertEquals("", TranscriptCleaner.clean("♪♪ [ Silence ]"));
  }

  @Test
  void punctuationWithoutAWordIsNothingSaid() {
    // whisper on a 0.3 s burst of noise padded to a second (noise fixture)
    assertEquals("", TranscriptCleaner.clean(". . . . . . . ."));
    assertEquals("", TranscriptCleaner.clean(" - ... ?"));
    assertEquals("10.", TranscriptCleaner.clean("10."));
    assertEquals("Oui.", TranscriptCleaner.clean("Oui."));
  }
}
