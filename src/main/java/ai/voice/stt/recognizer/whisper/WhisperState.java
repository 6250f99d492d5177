package ai.voice.stt.recognizer.whisper;

import static ai.voice.stt.recognizer.whisper.WhisperLayouts.FULL_PARAMS;
import static ai.voice.stt.recognizer.whisper.WhisperLayouts.TOKEN_DATA;
import static ai.voice.stt.recognizer.whisper.WhisperLayouts.offset;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * One decoder state ({@code whisper_state}): one call at a time, any number of states at once on
 * one {@link WhisperModel}. The caller owns the exclusivity (a pool hands each state to one call).
 */
@SuppressWarnings(
    "restricted") // the binding's purpose: native calls (run with --enable-native-access)
public final class WhisperState implements AutoCloseable {
  private final WhisperLibrary lib;
  private final WhisperModel model;
  private final MemorySegment state;
  private boolean closed;

  WhisperState(WhisperLibrary lib, WhisperModel model, MemorySegment state) {
    this.lib = lib;
    this.model = model;
    this.state = state;
  }

  /** A token of the result: its text as bytes (a piece may split a UTF-8 character). */
  public record Token(int id, byte[] text, float probability, long t0, long t1, boolean special) {}

  /** A segment: text and times in centiseconds from the start of the audio. */
  public record Segment(String text, long t0, long t1, List<Token> tokens) {}

  /** Runs {@code whisper_full_with_state} and reads its segments. */
  public List<Segment> decode(DecodeRequest request, float[] samples) throws WhisperException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment params = arena.allocate(FULL_PARAMS).copyFrom(model.defaultParams());
      fill(params, request, arena);
      if (request.abort().isPresent()) {
        params.set(ADDRESS, offset(FULL_PARAMS, "abort_callback"), lib.abortCallback);
        params.set(
            ADDRESS,
            offset(FULL_PARAMS, "abort_callback_user_data"),
            request.abort().get().address());
      }
      MemorySegment audio = arena.allocateFrom(JAVA_FLOAT, samples);
      int rc =
          (int)
              lib.fullWithState.invokeExact(model.context(), state, params, audio, samples.length);
      if (request.abort().isPresent() && request.abort().get().aborted()) {
        throw new WhisperAbortedException(rc);
      }
      if (rc != 0) {
        throw new WhisperException("whisper.cpp returned error " + rc);
      }
      return segments(arena);
    } catch (WhisperException e) {
      throw e;
    } catch (Throwable e) {
      throw new WhisperException("whisper.cpp call failed: " + e, e);
    }
  }

  /** The language whisper.cpp decoded in ({@code whisper_full_lang_id_from_state}), as its code. */
  public String language() throws WhisperException {
    try {
      int id = (int) lib.langId.invokeExact(state);
      return id < 0 ? "" : WhisperLibrary.string((MemorySegment) lib.langStr.invokeExact(id));
    } catch (Throwable e) {
      throw new WhisperException("whisper_full_lang_id_from_state failed: " + e, e);
    }
  }

  /**
   * The settings whisper-jni 1.7.1 wrote over whisper.cpp's greedy defaults for each call
   * (WhisperFullParams' field defaults plus the recognizer's own), so that the decode is the same
   * native call as before; and token-level timestamps, which only add times to the tokens.
   */
  private static void fill(MemorySegment p, DecodeRequest r, Arena arena) {
    if (r.threads() > 0) {
      p.set(JAVA_INT, offset(FULL_PARAMS, "n_threads"), r.threads());
    }
    p.set(JAVA_INT, offset(FULL_PARAMS, "audio_ctx"), r.audioCtx());
    p.set(JAVA_INT, offset(FULL_PARAMS, "n_max_text_ctx"), 16384);
    p.set(JAVA_INT, offset(FULL_PARAMS, "offset_ms"), 0);
    p.set(JAVA_INT, offset(FULL_PARAMS, "duration_ms"), 0);
    p.set(ADDRESS, offset(FULL_PARAMS, "language"), arena.allocateFrom(r.language()));
    p.set(
        ADDRESS,
        offset(FULL_PARAMS, "initial_prompt"),
        r.prompt().map(arena::allocateFrom).orElse(MemorySegment.NULL));
    flag(p, "translate", false);
    flag(p, "no_timestamps", r.noTimestamps());
    flag(p, "no_context", true);
    flag(p, "single_segment", false);
    flag(p, "print_special", false);
    flag(p, "print_progress", false);
    flag(p, "print_realtime", false);
    flag(p, "print_timestamps", false);
    flag(p, "detect_language", false);
    flag(p, "suppress_blank", true);
    flag(p, "suppress_non_speech_tokens", true);
    flag(p, "token_timestamps", true);
    p.set(JAVA_FLOAT, offset(FULL_PARAMS, "temperature"), 0.0f);
    p.set(JAVA_FLOAT, offset(FULL_PARAMS, "max_initial_ts"), 1.0f);
    p.set(JAVA_FLOAT, offset(FULL_PARAMS, "length_penalty"), -1.0f);
    // No temperature fallback (LocalWhisperRecognizer explains why).
    p.set(JAVA_FLOAT, offset(FULL_PARAMS, "temperature_inc"), 0.0f);
    p.set(JAVA_FLOAT, offset(FULL_PARAMS, "entropy_thold"), 2.4f);
    p.set(JAVA_FLOAT, offset(FULL_PARAMS, "logprob_thold"), -1.0f);
    p.set(JAVA_FLOAT, offset(FULL_PARAMS, "no_speech_thold"), 0.6f);
    p.set(JAVA_INT, offset(FULL_PARAMS, "greedy_best_of"), -1);
    if (r.beamSize() > 1) {
      p.set(JAVA_INT, offset(FULL_PARAMS, "strategy"), WhisperLayouts.SAMPLING_BEAM_SEARCH);
      p.set(JAVA_INT, offset(FULL_PARAMS, "beam_search_beam_size"), r.beamSize());
    }
  }

  private static void flag(MemorySegment p, String field, boolean value) {
    p.set(JAVA_BOOLEAN, offset(FULL_PARAMS, field), value);
  }

  private List<Segment> segments(Arena arena) throws Throwable {
    int count = (int) lib.nSegments.invokeExact(state);
    List<Segment> segments = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String text = WhisperLibrary.string((MemorySegment) lib.segmentText.invokeExact(state, i));
      long t0 = (long) lib.segmentT0.invokeExact(state, i);
      long t1 = (long) lib.segmentT1.invokeExact(state, i);
      segments.add(new Segment(text, t0, t1, tokens(i, arena)));
    }
    return segments;
  }

  private List<Token> tokens(int segment, Arena arena) throws Throwable {
    int count = (int) lib.nTokens.invokeExact(state, segment);
    List<Token> tokens = new ArrayList<>(count);
    for (int j = 0; j < count; j++) {
      MemorySegment data =
          (MemorySegment)
              lib.tokenData.invokeExact(
                  (java.lang.foreign.SegmentAllocator) arena, state, segment, j);
      int id = data.get(JAVA_INT, offset(TOKEN_DATA, "id"));
      float p = data.get(JAVA_FLOAT, offset(TOKEN_DATA, "p"));
      if (j == 0) {
        checkTokenLayout(segment, id, p);
      }
      byte[] text =
          WhisperLibrary.bytes(
              (MemorySegment) lib.tokenText.invokeExact(model.context(), state, segment, j));
      tokens.add(
          new Token(
              id,
              text,
              p,
              data.get(JAVA_LONG, offset(TOKEN_DATA, "t0")),
              data.get(JAVA_LONG, offset(TOKEN_DATA, "t1")),
              id >= model.eot()));
    }
    return tokens;
  }

  /** whisper_token_data has no defaults to check at start-up: its fields against the getters. */
  private void checkTokenLayout(int segment, int id, float p) throws Throwable {
    int expectedId = (int) lib.tokenId.invokeExact(state, segment, 0);
    float expectedP = (float) lib.tokenP.invokeExact(state, segment, 0);
    if (id != expectedId || p != expectedP) {
      throw new WhisperException(
          "whisper_token_data does not have whisper.cpp 1.7.1's layout (native/README.md): id "
              + id
              + " vs "
              + expectedId
              + ", p "
              + p
              + " vs "
              + expectedP);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lib.freeState.invokeExact(state);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
