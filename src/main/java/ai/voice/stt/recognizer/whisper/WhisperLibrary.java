package ai.voice.stt.recognizer.whisper;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libwhisper's C functions as method handles: the whole native side of the binding. Loaded once per
 * process from {@code STT_WHISPER_LIBRARY_DIR}: a build of native/'s pinned whisper.cpp with its
 * patches, for the CPU ({@code scripts/build-whisper-cpu.sh}, which {@code bin/stt} and the scripts
 * run) or a GPU (the images), decisions/0034.
 *
 * <p>None of these functions needs a lock of ours (decisions/0029): a context is read-only once
 * loaded, each decoder state belongs to one call at a time, and the process-wide settings (the log
 * callback) are made once here, before any model is loaded.
 */
@SuppressWarnings(
    "restricted") // the binding's purpose: native calls (run with --enable-native-access)
final class WhisperLibrary {
  private static final Logger log = LoggerFactory.getLogger(WhisperLibrary.class);
  static final String LIBRARY_DIR_ENV = "STT_WHISPER_LIBRARY_DIR";
  private static final String LIBRARY_FILE = "libwhisper.so.1";
  private static final Linker LINKER = Linker.nativeLinker();
  private static volatile WhisperLibrary instance;

  final String source;
  final MethodHandle contextDefaultParamsByRef;
  final MethodHandle freeContextParams;
  final MethodHandle initFromFileWithParamsNoState;
  final MethodHandle initState;
  final MethodHandle freeState;
  final MethodHandle free;
  final MethodHandle fullDefaultParamsByRef;
  final MethodHandle freeParams;
  final MethodHandle fullWithState;
  final MethodHandle nSegments;
  final MethodHandle segmentText;
  final MethodHandle segmentT0;
  final MethodHandle segmentT1;
  final MethodHandle nTokens;
  final MethodHandle tokenData;
  final MethodHandle tokenText;
  final MethodHandle tokenId;
  final MethodHandle tokenP;
  final MethodHandle tokenEot;
  final MethodHandle langId;
  final MethodHandle langStr;
  final MethodHandle isMultilingual;
  final MethodHandle systemInfo;

  /** {@code bool (*ggml_abort_callback)(void * data)}: true when data's byte is set (AbortFlag). */
  final MemorySegment abortCallback;

  private WhisperLibrary(SymbolLookup lib, String source) {
    this.source = source;
    contextDefaultParamsByRef = fn(lib, "whisper_context_default_params_by_ref", ADDRESS);
    freeContextParams = proc(lib, "whisper_free_context_params", ADDRESS);
    initFromFileWithParamsNoState =
        fn(
            lib,
            "whisper_init_from_file_with_params_no_state",
            ADDRESS,
            ADDRESS,
            WhisperLayouts.CONTEXT_PARAMS);
    initState = fn(lib, "whisper_init_state", ADDRESS, ADDRESS);
    freeState = proc(lib, "whisper_free_state", ADDRESS);
    free = proc(lib, "whisper_free", ADDRESS);
    fullDefaultParamsByRef = fn(lib, "whisper_full_default_params_by_ref", ADDRESS, JAVA_INT);
    freeParams = proc(lib, "whisper_free_params", ADDRESS);
    fullWithState =
        fn(
            lib,
            "whisper_full_with_state",
            JAVA_INT,
            ADDRESS,
            ADDRESS,
            WhisperLayouts.FULL_PARAMS,
            ADDRESS,
            JAVA_INT);
    nSegments = fn(lib, "whisper_full_n_segments_from_state", JAVA_INT, ADDRESS);
    segmentText = fn(lib, "whisper_full_get_segment_text_from_state", ADDRESS, ADDRESS, JAVA_INT);
    segmentT0 = fn(lib, "whisper_full_get_segment_t0_from_state", JAVA_LONG, ADDRESS, JAVA_INT);
    segmentT1 = fn(lib, "whisper_full_get_segment_t1_from_state", JAVA_LONG, ADDRESS, JAVA_INT);
    nTokens = fn(lib, "whisper_full_n_tokens_from_state", JAVA_INT, ADDRESS, JAVA_INT);
    tokenData =
        fn(
            lib,
            "whisper_full_get_token_data_from_state",
            WhisperLayouts.TOKEN_DATA,
            ADDRESS,
            JAVA_INT,
            JAVA_INT);
    tokenText =
        fn(
            lib,
            "whisper_full_get_token_text_from_state",
            ADDRESS,
            ADDRESS,
            ADDRESS,
            JAVA_INT,
            JAVA_INT);
    tokenId =
        fn(lib, "whisper_full_get_token_id_from_state", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    tokenP =
        fn(lib, "whisper_full_get_token_p_from_state", JAVA_FLOAT, ADDRESS, JAVA_INT, JAVA_INT);
    tokenEot = fn(lib, "whisper_token_eot", JAVA_INT, ADDRESS);
    langId = fn(lib, "whisper_full_lang_id_from_state", JAVA_INT, ADDRESS);
    langStr = fn(lib, "whisper_lang_str", ADDRESS, JAVA_INT);
    isMultilingual = fn(lib, "whisper_is_multilingual", JAVA_INT, ADDRESS);
    systemInfo = fn(lib, "whisper_print_system_info", ADDRESS);
    installLogger(lib);
    try {
      abortCallback =
          LINKER.upcallStub(
              MethodHandles.lookup()
                  .findStatic(
                      WhisperLibrary.class,
                      "abortRequested",
                      MethodType.methodType(boolean.class, MemorySegment.class)),
              FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_BOOLEAN, ADDRESS),
              Arena.global());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Called by whisper.cpp (on its own threads too): no allocation, no exception. */
  @SuppressWarnings("unused") // called from native code
  private static boolean abortRequested(MemorySegment flag) {
    return !flag.equals(MemorySegment.NULL)
        && flag.reinterpret(1).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) != 0;
  }

  /**
   * The process's library, loaded on first use.
   *
   * @throws IOException when it cannot be found or extracted, or lacks a function
   */
  static WhisperLibrary get() throws IOException {
    WhisperLibrary lib = instance;
    if (lib != null) {
      return lib;
    }
    synchronized (WhisperLibrary.class) {
      if (instance == null) {
        instance = load();
      }
      return instance;
    }
  }

  private static WhisperLibrary load() throws IOException {
    String dir = System.getenv(LIBRARY_DIR_ENV);
    if (dir == null || dir.isBlank()) {
      throw new IOException(
          LIBRARY_DIR_ENV
              + " is not set: it names the folder of whisper.cpp "
              + "1.7.1's libwhisper.so.1 built from native/ (scripts/build-whisper-cpu.sh builds"
              + " the CPU one; bin/stt sets it)");
    }
    Path file = Path.of(dir).resolve(LIBRARY_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          LIBRARY_DIR_ENV
              + "="
              + dir
              + " holds no "
              + LIBRARY_FILE
              + " (scripts/build-whisper-cpu.sh builds it there)");
    }
    try {
      return new WhisperLibrary(
          SymbolLookup.libraryLookup(file, Arena.global()), file.toAbsolutePath().toString());
    } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
      throw new IOException("cannot load whisper.cpp from " + file + ": " + e.getMessage(), e);
    }
  }

  /** C string (UTF-8, NUL-terminated) at {@code address}, or "" for NULL. */
  static String string(MemorySegment address) {
    return address.equals(MemorySegment.NULL)
        ? ""
        : address.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
  }

  /** The bytes of a C string, for token pieces that may split a UTF-8 sequence. */
  static byte[] bytes(MemorySegment address) {
    if (address.equals(MemorySegment.NULL)) {
      return new byte[0];
    }
    MemorySegment s = address.reinterpret(Long.MAX_VALUE);
    int n = 0;
    while (s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, n) != 0) {
      n++;
    }
    return s.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
  }

  private static MethodHandle fn(
      SymbolLookup lib,
      String name,
      java.lang.foreign.MemoryLayout result,
      java.lang.foreign.MemoryLayout... args) {
    return LINKER.downcallHandle(symbol(lib, name), FunctionDescriptor.of(result, args));
  }

  private static MethodHandle proc(
      SymbolLookup lib, String name, java.lang.foreign.MemoryLayout... args) {
    return LINKER.downcallHandle(symbol(lib, name), FunctionDescriptor.ofVoid(args));
  }

  private static MemorySegment symbol(SymbolLookup lib, String name) {
    return lib.find(name)
        .orElseThrow(
            () -> new IllegalArgumentException("the library exports no " + name + " (not 1.7.1?)"));
  }

  /**
   * whisper.cpp writes its log lines (model loading, backends) to stderr by default, which would
   * break the JSON log stream; they go to this class's logger at DEBUG instead. The upcall runs on
   * the calling thread (or a native one, which the JVM attaches), never detaching ours.
   */
  private static void installLogger(SymbolLookup lib) {
    try {
      MethodHandle target =
          MethodHandles.lookup()
              .findStatic(
                  WhisperLibrary.class,
                  "logLine",
                  MethodType.methodType(
                      void.class, int.class, MemorySegment.class, MemorySegment.class));
      MemorySegment stub =
          LINKER.upcallStub(
              target, FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS), Arena.global());
      proc(lib, "whisper_log_set", ADDRESS, ADDRESS).invokeExact(stub, MemorySegment.NULL);
    } catch (Throwable e) {
      throw new IllegalStateException("cannot set whisper.cpp's log callback", e);
    }
  }

  @SuppressWarnings("unused") // called from native code
  private static void logLine(int level, MemorySegment text, MemorySegment userData) {
    try {
      if (log.isDebugEnabled()) {
        log.debug("whisper.cpp: {}", string(text).strip());
      }
    } catch (RuntimeException e) {
      // An exception must not unwind into native code (the JVM would abort).
    }
  }
}
