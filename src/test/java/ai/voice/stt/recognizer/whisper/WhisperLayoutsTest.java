package ai.voice.stt.recognizer.whisper;

import static ai.voice.stt.recognizer.whisper.WhisperLayouts.CONTEXT_PARAMS;
import static ai.voice.stt.recognizer.whisper.WhisperLayouts.FULL_PARAMS;
import static ai.voice.stt.recognizer.whisper.WhisperLayouts.TOKEN_DATA;
import static ai.voice.stt.recognizer.whisper.WhisperLayouts.offset;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Java layouts are the offsets native/layout.c asserts against whisper.h 1.7.1 (printed by its
 * compiled form against the whisper-jni jar's library), and that library passes the start-up check.
 */
class WhisperLayoutsTest {
  @Test
  void sizesAndOffsetsAreWhisperH171s() {
    assertEquals(264, FULL_PARAMS.byteSize());
    assertEquals(56, TOKEN_DATA.byteSize());
    assertEquals(48, CONTEXT_PARAMS.byteSize());
    Map<String, Long> full =
        Map.ofEntries(
            Map.entry("n_threads", 4L),
            Map.entry("token_timestamps", 28L),
            Map.entry("thold_pt", 32L),
            Map.entry("audio_ctx", 56L),
            Map.entry("initial_prompt", 72L),
            Map.entry("language", 96L),
            Map.entry("suppress_non_speech_tokens", 106L),
            Map.entry("temperature_inc", 120L),
            Map.entry("greedy_best_of", 136L),
            Map.entry("beam_search_beam_size", 140L),
            Map.entry("abort_callback", 200L),
            Map.entry("abort_callback_user_data", 208L),
            Map.entry("grammar_penalty", 256L));
    full.forEach((field, at) -> assertEquals(at, offset(FULL_PARAMS, field), field));
    assertEquals(8, offset(TOKEN_DATA, "p"));
    assertEquals(24, offset(TOKEN_DATA, "t0"));
    assertEquals(32, offset(TOKEN_DATA, "t1"));
    assertEquals(48, offset(TOKEN_DATA, "vlen"));
    assertEquals(40, offset(CONTEXT_PARAMS, "dtw_mem_size"));
  }

  @Test
  void theBundledLibraryPassesTheStartUpCheck() {
    assertDoesNotThrow(() -> WhisperLayoutCheck.verify(WhisperLibrary.get()));
  }
}
