package ai.voice.stt.recognizer.whisper;

import static ai.voice.stt.recognizer.whisper.WhisperLayouts.CONTEXT_PARAMS;
import static ai.voice.stt.recognizer.whisper.WhisperLayouts.FULL_PARAMS;
import static ai.voice.stt.recognizer.whisper.WhisperLayouts.offset;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the loaded library's structs are the ones {@link WhisperLayouts} describes. whisper.cpp
 * has no function that returns a struct's size, so the check reads the defaults whisper.cpp 1.7.1
 * sets ({@code whisper_full_default_params_by_ref}, {@code whisper_context_default_params_by_ref})
 * at the offsets the binding uses, the last field of each struct included: a field inserted or
 * removed anywhere before it moves it, and the value read is wrong. {@code whisper_token_data},
 * which has no default, is checked on every decode ({@link WhisperState}).
 */
@SuppressWarnings(
    "restricted") // the binding's purpose: native calls (run with --enable-native-access)
final class WhisperLayoutCheck {
  private WhisperLayoutCheck() {}

  /**
   * @throws IOException naming each field that does not hold its known default
   */
  static void verify(WhisperLibrary lib) throws IOException {
    List<String> wrong;
    try {
      MemorySegment greedy =
          ((MemorySegment) lib.fullDefaultParamsByRef.invokeExact(WhisperLayouts.SAMPLING_GREEDY))
              .reinterpret(FULL_PARAMS.byteSize());
      MemorySegment beam =
          ((MemorySegment)
                  lib.fullDefaultParamsByRef.invokeExact(WhisperLayouts.SAMPLING_BEAM_SEARCH))
              .reinterpret(FULL_PARAMS.byteSize());
      MemorySegment context =
          ((MemorySegment) lib.contextDefaultParamsByRef.invokeExact())
              .reinterpret(CONTEXT_PARAMS.byteSize());
      try {
        wrong = differences(greedy, beam, context);
      } finally {
        lib.freeParams.invokeExact(greedy);
        lib.freeParams.invokeExact(beam);
        lib.freeContextParams.invokeExact(context);
      }
    } catch (Throwable e) {
      throw new IOException("whisper.cpp layout check failed to run: " + e, e);
    }
    if (!wrong.isEmpty()) {
      throw new IOException(message(lib.source, wrong));
    }
  }

  static String message(String source, List<String> wrong) {
    return "the whisper.cpp library loaded from "
        + source
        + " does not have the struct layout of whisper.cpp 1.7.1 that the binding was written"
        + " for (native/README.md); use a library built from native/ (STT_WHISPER_LIBRARY_DIR,"
        + " scripts/build-whisper-cpu.sh). Fields that differ: "
        + String.join(", ", wrong);
  }

  /**
   * The fields that do not hold whisper.cpp 1.7.1's defaults.
   *
   * @param greedy {@code whisper_full_default_params(WHISPER_SAMPLING_GREEDY)}
   * @param beam {@code whisper_full_default_params(WHISPER_SAMPLING_BEAM_SEARCH)}
   * @param context {@code whisper_context_default_params()}
   */
  static List<String> differences(MemorySegment greedy, MemorySegment beam, MemorySegment context) {
    List<String> wrong = new ArrayList<>();
    expectInt(wrong, greedy, "strategy", WhisperLayouts.SAMPLING_GREEDY);
    int threads = greedy.get(JAVA_INT, offset(FULL_PARAMS, "n_threads"));
    if (threads < 1 || threads > 4) {
      wrong.add("n_threads = " + threads + " (expected 1..4)");
    }
    expectInt(wrong, greedy, "n_max_text_ctx", 16384);
    expectFloat(wrong, greedy, "thold_pt", 0.01f);
    expectFloat(wrong, greedy, "thold_ptsum", 0.01f);
    expectBoolean(wrong, greedy, "suppress_blank", true);
    expectFloat(wrong, greedy, "max_initial_ts", 1.0f);
    expectFloat(wrong, greedy, "length_penalty", -1.0f);
    expectFloat(wrong, greedy, "temperature_inc", 0.2f);
    expectFloat(wrong, greedy, "entropy_thold", 2.4f);
    expectFloat(wrong, greedy, "logprob_thold", -1.0f);
    expectFloat(wrong, greedy, "no_speech_thold", 0.6f);
    expectInt(wrong, greedy, "greedy_best_of", 5);
    expectInt(wrong, greedy, "beam_search_beam_size", -1);
    expectAddressNull(wrong, greedy, "abort_callback");
    expectFloat(wrong, greedy, "grammar_penalty", 100.0f);
    // A pointer is followed only when every number is in place: at a wrong offset it would be
    // some other field's bits, and reading through it could crash the JVM.
    MemorySegment language = greedy.get(ADDRESS, offset(FULL_PARAMS, "language"));
    String code =
        !wrong.isEmpty() || language.equals(MemorySegment.NULL)
            ? "?"
            : WhisperLibrary.string(language);
    if (wrong.isEmpty() && !code.equals("en")) {
      wrong.add("language = \"" + code + "\" (expected \"en\")");
    }
    expectInt(wrong, beam, "strategy", WhisperLayouts.SAMPLING_BEAM_SEARCH);
    expectInt(wrong, beam, "beam_search_beam_size", 5);
    if (!context.get(JAVA_BOOLEAN, offset(CONTEXT_PARAMS, "use_gpu"))) {
      wrong.add("context use_gpu = false (expected true)");
    }
    int nTop = context.get(JAVA_INT, offset(CONTEXT_PARAMS, "dtw_n_top"));
    if (nTop != -1) {
      wrong.add("context dtw_n_top = " + nTop + " (expected -1)");
    }
    long memSize = context.get(JAVA_LONG, offset(CONTEXT_PARAMS, "dtw_mem_size"));
    if (memSize != 128L * 1024 * 1024) {
      wrong.add("context dtw_mem_size = " + memSize + " (expected 134217728)");
    }
    return wrong;
  }

  private static void expectInt(List<String> wrong, MemorySegment s, String field, int expected) {
    int actual = s.get(JAVA_INT, offset(FULL_PARAMS, field));
    if (actual != expected) {
      wrong.add(field + " = " + actual + " (expected " + expected + ")");
    }
  }

  private static void expectFloat(
      List<String> wrong, MemorySegment s, String field, float expected) {
    float actual = s.get(JAVA_FLOAT, offset(FULL_PARAMS, field));
    if (actual != expected) {
      wrong.add(field + " = " + actual + " (expected " + expected + ")");
    }
  }

  private static void expectBoolean(
      List<String> wrong, MemorySegment s, String field, boolean expected) {
    byte actual = s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, offset(FULL_PARAMS, field));
    if (actual != (expected ? 1 : 0)) {
      wrong.add(field + " = " + actual + " (expected " + expected + ")");
    }
  }

  private static void expectAddressNull(List<String> wrong, MemorySegment s, String field) {
    MemorySegment actual = s.get(ADDRESS, offset(FULL_PARAMS, field));
    if (!actual.equals(MemorySegment.NULL)) {
      wrong.add(field + " is not NULL");
    }
  }
}
