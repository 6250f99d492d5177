package ai.voice.stt.recognizer.whisper;

import static ai.voice.stt.recognizer.whisper.WhisperLayouts.CONTEXT_PARAMS;
import static ai.voice.stt.recognizer.whisper.WhisperLayouts.FULL_PARAMS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A loaded model: whisper.cpp's {@code whisper_context} without a state ({@code
 * whisper_init_from_file_with_params_no_state}). Read-only once loaded, so any number of {@link
 * WhisperState}s decode with it at once. Closing it while a state still decodes is the caller's to
 * prevent (LocalWhisperRecognizer closes its states first, after their calls returned).
 */
@SuppressWarnings(
    "restricted") // the binding's purpose: native calls (run with --enable-native-access)
public final class WhisperModel implements AutoCloseable {
  private final WhisperLibrary lib;
  private final MemorySegment context;
  private final MemorySegment defaultParams;
  private final int eot;
  private final boolean multilingual;
  private boolean closed;

  private WhisperModel(WhisperLibrary lib, MemorySegment context) throws Throwable {
    this.lib = lib;
    this.context = context;
    this.eot = (int) lib.tokenEot.invokeExact(context);
    this.multilingual = (int) lib.isMultilingual.invokeExact(context) != 0;
    // whisper.cpp's greedy defaults, copied once: each call starts from them (as whisper-jni did).
    MemorySegment byRef =
        ((MemorySegment) lib.fullDefaultParamsByRef.invokeExact(WhisperLayouts.SAMPLING_GREEDY))
            .reinterpret(FULL_PARAMS.byteSize());
    try {
      this.defaultParams = Arena.ofAuto().allocate(FULL_PARAMS).copyFrom(byRef);
    } finally {
      lib.freeParams.invokeExact(byRef);
    }
  }

  /**
   * Loads the library (once per process), checks its struct layout, then the model.
   *
   * @param useGpu whisper.cpp's {@code use_gpu}: a GPU build offloads; the CPU build ignores it
   * @throws IOException when the library's layout is not 1.7.1's or the model cannot be loaded
   */
  public static WhisperModel load(Path modelFile, boolean useGpu) throws IOException {
    WhisperLibrary lib = WhisperLibrary.get();
    WhisperLayoutCheck.verify(lib);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment defaults =
          ((MemorySegment) lib.contextDefaultParamsByRef.invokeExact())
              .reinterpret(CONTEXT_PARAMS.byteSize());
      MemorySegment params = arena.allocate(CONTEXT_PARAMS).copyFrom(defaults);
      lib.freeContextParams.invokeExact(defaults);
      params.set(JAVA_BOOLEAN, WhisperLayouts.offset(CONTEXT_PARAMS, "use_gpu"), useGpu);
      MemorySegment path = arena.allocateFrom(modelFile.toAbsolutePath().toString());
      MemorySegment context =
          (MemorySegment) lib.initFromFileWithParamsNoState.invokeExact(path, params);
      if (context.equals(MemorySegment.NULL)) {
        throw new IOException("whisper.cpp could not load the model at " + modelFile);
      }
      return new WhisperModel(lib, context);
    } catch (IOException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("whisper.cpp failed loading " + modelFile + ": " + e, e);
    }
  }

  /**
   * A decoder state for one call at a time ({@code whisper_init_state}).
   *
   * @throws IOException when whisper.cpp cannot allocate it (memory)
   */
  public WhisperState newState() throws IOException {
    MemorySegment state;
    try {
      state = (MemorySegment) lib.initState.invokeExact(context);
    } catch (Throwable e) {
      throw new IOException("whisper_init_state failed: " + e, e);
    }
    if (state.equals(MemorySegment.NULL)) {
      throw new IOException("whisper.cpp could not allocate a decoder state");
    }
    return new WhisperState(lib, this, state);
  }

  public boolean multilingual() {
    return multilingual;
  }

  /** whisper.cpp's build features ({@code whisper_print_system_info}). */
  public String systemInfo() {
    try {
      return WhisperLibrary.string((MemorySegment) lib.systemInfo.invokeExact()).strip();
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where the library came from, for the start-up log. */
  public String librarySource() {
    return lib.source;
  }

  MemorySegment context() {
    return context;
  }

  MemorySegment defaultParams() {
    return defaultParams;
  }

  /** Token ids at or above end-of-text are whisper's special tokens (timestamps, language...). */
  int eot() {
    return eot;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lib.free.invokeExact(context);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
