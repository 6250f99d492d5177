package ai.voice.stt.recognizer.whisper;

import static ai.voice.stt.recognizer.whisper.WhisperLayouts.CONTEXT_PARAMS;
import static ai.voice.stt.recognizer.whisper.WhisperLayouts.FULL_PARAMS;
import static ai.voice.stt.recognizer.whisper.WhisperLayouts.TOKEN_DATA;
import static ai.voice.stt.recognizer.whisper.WhisperLayouts.offset;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Java layouts are the offsets native/layout.c asserts against whisper.h 1.7.1 (printed by its
 * compiled form, which scripts/build-whisper-cpu.sh runs), and the loaded library passes the
 * start-up check.
 */
@SuppressWarnings("restricted")
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

  /**
   * A library whose whisper_full_params has one more int before its fields (as a newer version
   * could): the check names the fields that moved, and the message says what to do.
   */
  @Test
  void aShiftedLayoutIsCaughtWithTheFieldsNamed() throws Throwable {
    WhisperLibrary lib = WhisperLibrary.get();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment greedy = copy(lib, WhisperLayouts.SAMPLING_GREEDY, arena);
      MemorySegment beam = copy(lib, WhisperLayouts.SAMPLING_BEAM_SEARCH, arena);
      MemorySegment context =
          ((MemorySegment) lib.contextDefaultParamsByRef.invokeExact())
              .reinterpret(CONTEXT_PARAMS.byteSize());
      MemorySegment contextCopy = arena.allocate(CONTEXT_PARAMS).copyFrom(context);
      lib.freeContextParams.invokeExact(context);
      assertEquals(List.of(), WhisperLayoutCheck.differences(greedy, beam, contextCopy));

      MemorySegment shifted = arena.allocate(FULL_PARAMS.byteSize() + 8, 8);
      MemorySegment.copy(greedy, 0, shifted, 4, FULL_PARAMS.byteSize());
      List<String> wrong =
          WhisperLayoutCheck.differences(
              shifted.asSlice(0, FULL_PARAMS.byteSize()), beam, contextCopy);
      assertTrue(wrong.stream().anyMatch(w -> w.startsWith("grammar_penalty")), wrong.toString());
      String message = WhisperLayoutCheck.message("test", wrong);
      assertTrue(message.contains("whisper.cpp 1.7.1") && message.contains("native/"), message);
    }
  }

  private static MemorySegment copy(WhisperLibrary lib, int strategy, Arena arena)
      throws Throwable {
    MemorySegment byRef =
        ((MemorySegment) lib.fullDefaultParamsByRef.invokeExact(strategy))
            .reinterpret(FULL_PARAMS.byteSize());
    MemorySegment copy = arena.allocate(FULL_PARAMS).copyFrom(byRef);
    lib.freeParams.invokeExact(byRef);
    return copy;
  }
}
