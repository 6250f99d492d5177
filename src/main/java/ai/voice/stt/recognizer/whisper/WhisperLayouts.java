package ai.voice.stt.recognizer.whisper;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;

/**
 * The structs of whisper.cpp 1.7.1's C API that the binding reads or writes, field for field as
 * {@code whisper.h} declares them on LP64 platforms (Linux x86-64 and arm64). native/README.md has
 * the same tables and native/layout.c asserts them against the header; {@link WhisperLayoutCheck}
 * checks them against the loaded library at start-up.
 */
final class WhisperLayouts {
  private WhisperLayouts() {}

  static final StructLayout CONTEXT_PARAMS =
      structLayout(
          JAVA_BOOLEAN.withName("use_gpu"),
          JAVA_BOOLEAN.withName("flash_attn"),
          paddingLayout(2),
          JAVA_INT.withName("gpu_device"),
          JAVA_BOOLEAN.withName("dtw_token_timestamps"),
          paddingLayout(3),
          JAVA_INT.withName("dtw_aheads_preset"),
          JAVA_INT.withName("dtw_n_top"),
          paddingLayout(4),
          JAVA_LONG.withName("dtw_aheads_n_heads"),
          ADDRESS.withName("dtw_aheads_heads"),
          JAVA_LONG.withName("dtw_mem_size"));

  static final StructLayout TOKEN_DATA =
      structLayout(
          JAVA_INT.withName("id"),
          JAVA_INT.withName("tid"),
          JAVA_FLOAT.withName("p"),
          JAVA_FLOAT.withName("plog"),
          JAVA_FLOAT.withName("pt"),
          JAVA_FLOAT.withName("ptsum"),
          JAVA_LONG.withName("t0"),
          JAVA_LONG.withName("t1"),
          JAVA_LONG.withName("t_dtw"),
          JAVA_FLOAT.withName("vlen"),
          paddingLayout(4));

  static final StructLayout FULL_PARAMS =
      structLayout(
          JAVA_INT.withName("strategy"),
          JAVA_INT.withName("n_threads"),
          JAVA_INT.withName("n_max_text_ctx"),
          JAVA_INT.withName("offset_ms"),
          JAVA_INT.withName("duration_ms"),
          JAVA_BOOLEAN.withName("translate"),
          JAVA_BOOLEAN.withName("no_context"),
          JAVA_BOOLEAN.withName("no_timestamps"),
          JAVA_BOOLEAN.withName("single_segment"),
          JAVA_BOOLEAN.withName("print_special"),
          JAVA_BOOLEAN.withName("print_progress"),
          JAVA_BOOLEAN.withName("print_realtime"),
          JAVA_BOOLEAN.withName("print_timestamps"),
          JAVA_BOOLEAN.withName("token_timestamps"),
          paddingLayout(3),
          JAVA_FLOAT.withName("thold_pt"),
          JAVA_FLOAT.withName("thold_ptsum"),
          JAVA_INT.withName("max_len"),
          JAVA_BOOLEAN.withName("split_on_word"),
          paddingLayout(3),
          JAVA_INT.withName("max_tokens"),
          JAVA_BOOLEAN.withName("debug_mode"),
          paddingLayout(3),
          JAVA_INT.withName("audio_ctx"),
          JAVA_BOOLEAN.withName("tdrz_enable"),
          paddingLayout(3),
          ADDRESS.withName("suppress_regex"),
          ADDRESS.withName("initial_prompt"),
          ADDRESS.withName("prompt_tokens"),
          JAVA_INT.withName("prompt_n_tokens"),
          paddingLayout(4),
          ADDRESS.withName("language"),
          JAVA_BOOLEAN.withName("detect_language"),
          JAVA_BOOLEAN.withName("suppress_blank"),
          JAVA_BOOLEAN.withName("suppress_non_speech_tokens"),
          paddingLayout(1),
          JAVA_FLOAT.withName("temperature"),
          JAVA_FLOAT.withName("max_initial_ts"),
          JAVA_FLOAT.withName("length_penalty"),
          JAVA_FLOAT.withName("temperature_inc"),
          JAVA_FLOAT.withName("entropy_thold"),
          JAVA_FLOAT.withName("logprob_thold"),
          JAVA_FLOAT.withName("no_speech_thold"),
          JAVA_INT.withName("greedy_best_of"),
          JAVA_INT.withName("beam_search_beam_size"),
          JAVA_FLOAT.withName("beam_search_patience"),
          paddingLayout(4),
          ADDRESS.withName("new_segment_callback"),
          ADDRESS.withName("new_segment_callback_user_data"),
          ADDRESS.withName("progress_callback"),
          ADDRESS.withName("progress_callback_user_data"),
          ADDRESS.withName("encoder_begin_callback"),
          ADDRESS.withName("encoder_begin_callback_user_data"),
          ADDRESS.withName("abort_callback"),
          ADDRESS.withName("abort_callback_user_data"),
          ADDRESS.withName("logits_filter_callback"),
          ADDRESS.withName("logits_filter_callback_user_data"),
          ADDRESS.withName("grammar_rules"),
          JAVA_LONG.withName("n_grammar_rules"),
          JAVA_LONG.withName("i_start_rule"),
          JAVA_FLOAT.withName("grammar_penalty"),
          paddingLayout(4));

  /** whisper.cpp's {@code WHISPER_SAMPLING_GREEDY}. */
  static final int SAMPLING_GREEDY = 0;

  /** whisper.cpp's {@code WHISPER_SAMPLING_BEAM_SEARCH}. */
  static final int SAMPLING_BEAM_SEARCH = 1;

  static long offset(StructLayout layout, String field) {
    return layout.byteOffset(PathElement.groupElement(field));
  }
}
