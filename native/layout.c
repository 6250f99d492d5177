// The struct layouts the FFM binding (ai.voice.stt.recognizer.whisper.WhisperLayouts) hard-codes,
// asserted against whisper.h at compile time: building this file against another whisper.cpp whose
// structs moved fails here, before any Java reads a wrong offset. Run, it prints the layout and the
// defaults the binding checks at start-up (native/README.md). x86-64 and arm64 (LP64) only.
#include <stddef.h>
#include <stdio.h>

#include "whisper.h"

_Static_assert(sizeof(struct whisper_context_params) == 48, "sizeof(whisper_context_params)");
_Static_assert(offsetof(struct whisper_context_params, use_gpu) == 0, "use_gpu");
_Static_assert(offsetof(struct whisper_context_params, flash_attn) == 1, "flash_attn");
_Static_assert(offsetof(struct whisper_context_params, gpu_device) == 4, "gpu_device");
_Static_assert(offsetof(struct whisper_context_params, dtw_token_timestamps) == 8, "dtw_token_timestamps");
_Static_assert(offsetof(struct whisper_context_params, dtw_aheads_preset) == 12, "dtw_aheads_preset");
_Static_assert(offsetof(struct whisper_context_params, dtw_n_top) == 16, "dtw_n_top");
_Static_assert(offsetof(struct whisper_context_params, dtw_aheads) == 24, "dtw_aheads");
_Static_assert(offsetof(struct whisper_context_params, dtw_mem_size) == 40, "dtw_mem_size");
_Static_assert(sizeof(whisper_token_data) == 56, "sizeof(whisper_token_data)");
_Static_assert(offsetof(whisper_token_data, id) == 0, "id");
_Static_assert(offsetof(whisper_token_data, tid) == 4, "tid");
_Static_assert(offsetof(whisper_token_data, p) == 8, "p");
_Static_assert(offsetof(whisper_token_data, plog) == 12, "plog");
_Static_assert(offsetof(whisper_token_data, pt) == 16, "pt");
_Static_assert(offsetof(whisper_token_data, ptsum) == 20, "ptsum");
_Static_assert(offsetof(whisper_token_data, t0) == 24, "t0");
_Static_assert(offsetof(whisper_token_data, t1) == 32, "t1");
_Static_assert(offsetof(whisper_token_data, t_dtw) == 40, "t_dtw");
_Static_assert(offsetof(whisper_token_data, vlen) == 48, "vlen");
_Static_assert(sizeof(struct whisper_full_params) == 264, "sizeof(whisper_full_params)");
_Static_assert(offsetof(struct whisper_full_params, strategy) == 0, "strategy");
_Static_assert(offsetof(struct whisper_full_params, n_threads) == 4, "n_threads");
_Static_assert(offsetof(struct whisper_full_params, n_max_text_ctx) == 8, "n_max_text_ctx");
_Static_assert(offsetof(struct whisper_full_params, offset_ms) == 12, "offset_ms");
_Static_assert(offsetof(struct whisper_full_params, duration_ms) == 16, "duration_ms");
_Static_assert(offsetof(struct whisper_full_params, translate) == 20, "translate");
_Static_assert(offsetof(struct whisper_full_params, no_context) == 21, "no_context");
_Static_assert(offsetof(struct whisper_full_params, no_timestamps) == 22, "no_timestamps");
_Static_assert(offsetof(struct whisper_full_params, single_segment) == 23, "single_segment");
_Static_assert(offsetof(struct whisper_full_params, print_special) == 24, "print_special");
_Static_assert(offsetof(struct whisper_full_params, print_progress) == 25, "print_progress");
_Static_assert(offsetof(struct whisper_full_params, print_realtime) == 26, "print_realtime");
_Static_assert(offsetof(struct whisper_full_params, print_timestamps) == 27, "print_timestamps");
_Static_assert(offsetof(struct whisper_full_params, token_timestamps) == 28, "token_timestamps");
_Static_assert(offsetof(struct whisper_full_params, thold_pt) == 32, "thold_pt");
_Static_assert(offsetof(struct whisper_full_params, thold_ptsum) == 36, "thold_ptsum");
_Static_assert(offsetof(struct whisper_full_params, max_len) == 40, "max_len");
_Static_assert(offsetof(struct whisper_full_params, split_on_word) == 44, "split_on_word");
_Static_assert(offsetof(struct whisper_full_params, max_tokens) == 48, "max_tokens");
_Static_assert(offsetof(struct whisper_full_params, debug_mode) == 52, "debug_mode");
_Static_assert(offsetof(struct whisper_full_params, audio_ctx) == 56, "audio_ctx");
_Static_assert(offsetof(struct whisper_full_params, tdrz_enable) == 60, "tdrz_enable");
_Static_assert(offsetof(struct whisper_full_params, suppress_regex) == 64, "suppress_regex");
_Static_assert(offsetof(struct whisper_full_params, initial_prompt) == 72, "initial_prompt");
_Static_assert(offsetof(struct whisper_full_params, prompt_tokens) == 80, "prompt_tokens");
_Static_assert(offsetof(struct whisper_full_params, prompt_n_tokens) == 88, "prompt_n_tokens");
_Static_assert(offsetof(struct whisper_full_params, language) == 96, "language");
_Static_assert(offsetof(struct whisper_full_params, detect_language) == 104, "detect_language");
_Static_assert(offsetof(struct whisper_full_params, suppress_blank) == 105, "suppress_blank");
_Static_assert(offsetof(struct whisper_full_params, suppress_non_speech_tokens) == 106, "suppress_non_speech_tokens");
_Static_assert(offsetof(struct whisper_full_params, temperature) == 108, "temperature");
_Static_assert(offsetof(struct whisper_full_params, max_initial_ts) == 112, "max_initial_ts");
_Static_assert(offsetof(struct whisper_full_params, length_penalty) == 116, "length_penalty");
_Static_assert(offsetof(struct whisper_full_params, temperature_inc) == 120, "temperature_inc");
_Static_assert(offsetof(struct whisper_full_params, entropy_thold) == 124, "entropy_thold");
_Static_assert(offsetof(struct whisper_full_params, logprob_thold) == 128, "logprob_thold");
_Static_assert(offsetof(struct whisper_full_params, no_speech_thold) == 132, "no_speech_thold");
_Static_assert(offsetof(struct whisper_full_params, greedy.best_of) == 136, "greedy.best_of");
_Static_assert(offsetof(struct whisper_full_params, beam_search.beam_size) == 140, "beam_search.beam_size");
_Static_assert(offsetof(struct whisper_full_params, beam_search.patience) == 144, "beam_search.patience");
_Static_assert(offsetof(struct whisper_full_params, new_segment_callback) == 152, "new_segment_callback");
_Static_assert(offsetof(struct whisper_full_params, new_segment_callback_user_data) == 160, "new_segment_callback_user_data");
_Static_assert(offsetof(struct whisper_full_params, progress_callback) == 168, "progress_callback");
_Static_assert(offsetof(struct whisper_full_params, progress_callback_user_data) == 176, "progress_callback_user_data");
_Static_assert(offsetof(struct whisper_full_params, encoder_begin_callback) == 184, "encoder_begin_callback");
_Static_assert(offsetof(struct whisper_full_params, encoder_begin_callback_user_data) == 192, "encoder_begin_callback_user_data");
_Static_assert(offsetof(struct whisper_full_params, abort_callback) == 200, "abort_callback");
_Static_assert(offsetof(struct whisper_full_params, abort_callback_user_data) == 208, "abort_callback_user_data");
_Static_assert(offsetof(struct whisper_full_params, logits_filter_callback) == 216, "logits_filter_callback");
_Static_assert(offsetof(struct whisper_full_params, logits_filter_callback_user_data) == 224, "logits_filter_callback_user_data");
_Static_assert(offsetof(struct whisper_full_params, grammar_rules) == 232, "grammar_rules");
_Static_assert(offsetof(struct whisper_full_params, n_grammar_rules) == 240, "n_grammar_rules");
_Static_assert(offsetof(struct whisper_full_params, i_start_rule) == 248, "i_start_rule");
_Static_assert(offsetof(struct whisper_full_params, grammar_penalty) == 256, "grammar_penalty");

#define FIELD(s, f) \
  printf("  %-34s %4zu %3zu\n", #f, offsetof(s, f), sizeof(((s *)0)->f));

int main(void) {
  printf("whisper_context_params size %zu\n", sizeof(struct whisper_context_params));
  FIELD(struct whisper_context_params, use_gpu)
  FIELD(struct whisper_context_params, dtw_mem_size)
  printf("whisper_token_data size %zu\n", sizeof(whisper_token_data));
  FIELD(whisper_token_data, id)
  FIELD(whisper_token_data, p)
  FIELD(whisper_token_data, t0)
  FIELD(whisper_token_data, t1)
  printf("whisper_full_params size %zu\n", sizeof(struct whisper_full_params));
  FIELD(struct whisper_full_params, abort_callback)
  FIELD(struct whisper_full_params, grammar_penalty)
  struct whisper_full_params *g = whisper_full_default_params_by_ref(WHISPER_SAMPLING_GREEDY);
  printf("greedy defaults: n_max_text_ctx %d thold_pt %g temperature_inc %g best_of %d "
         "beam_size %d grammar_penalty %g language %s\n",
         g->n_max_text_ctx, g->thold_pt, g->temperature_inc, g->greedy.best_of,
         g->beam_search.beam_size, g->grammar_penalty, g->language);
  whisper_free_params(g);
  struct whisper_context_params *c = whisper_context_default_params_by_ref();
  printf("context defaults: use_gpu %d dtw_n_top %d dtw_mem_size %zu\n", c->use_gpu, c->dtw_n_top,
         c->dtw_mem_size);
  whisper_free_context_params(c);
  return 0;
}
