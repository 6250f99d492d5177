package ai.voice.stt.recognizer;

import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.recognizer.Transcript.Timed;
import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperContextParams;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import io.github.givimad.whisperjni.WhisperState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recognizer as it was before the FFM binding (decisions/0029), kept verbatim as the reference
 * that {@code FfmTranscriptsTest} compares LocalWhisperRecognizer with: whisper.cpp through
 * whisper-jni: one model context for the process and one decoder state per concurrent call, as
 * whisper.h's thread-safety notes require (a context is read-only once loaded; a state is not
 * shareable).
 *
 * <p>whisper-jni keeps every context and state of the process in two global {@code std::map}s with
 * no lock (its native layer, as libfvad-jni's did: decisions/0009): loading and freeing write them,
 * every call reads them. {@link #NATIVE_MAPS} makes those writes exclusive, so one recognizer may
 * be created or closed while another in the same process transcribes (tests, benchmarks, a future
 * model reload); calls still run in parallel with each other.
 */
final class WhisperJniReference implements Recognizer {
  private static final Logger log = LoggerFactory.getLogger(LocalWhisperRecognizer.class);
  private static final int SAMPLE_RATE = 16_000;
  // 1.1 s: whisper.cpp skips input under 1 s (100 mel frames); a margin above its threshold.
  static final int MIN_SAMPLES = 17_600;
  // Process-wide because the maps it guards are (see the class comment): write-locked to load and
  // free, read-locked around each call.
  private static final ReadWriteLock NATIVE_MAPS = new ReentrantReadWriteLock();
  // Backends in whisper_print_system_info() that run the model off the CPU.
  private static final List<String> GPU_BACKENDS = List.of("CUDA", "METAL", "COREML", "CANN");

  private final WhisperJNI whisper;
  private final WhisperContext context;
  private final BlockingQueue<WhisperState> states;
  private final List<WhisperState> allStates = new ArrayList<>();
  private final ThreadAllotment threads;
  private final AudioContext audioContext;
  private final boolean multilingual;
  private final Path modelPath;
  private final String buildFeatures;

  /**
   * Loads the model once and allocates {@code concurrency} states.
   *
   * @throws IOException when the model is missing or whisper.cpp rejects it
   */
  WhisperJniReference(
      Path modelPath, int concurrency, int threadsPerCall, AudioContext audioContext)
      throws IOException {
    this(modelPath, concurrency, threadsPerCall, 0, audioContext);
  }

  /**
   * @param elasticCores cores that idle workers lend to running calls (0: always {@code
   *     threadsPerCall})
   */
  WhisperJniReference(
      Path modelPath,
      int concurrency,
      int threadsPerCall,
      int elasticCores,
      AudioContext audioContext)
      throws IOException {
    this(modelPath, concurrency, threadsPerCall, elasticCores, audioContext, true);
  }

  /**
   * @param useGpu whether a GPU build of whisper.cpp (Dockerfile.rocm) may offload to the GPU; the
   *     bundled CPU build ignores it
   */
  WhisperJniReference(
      Path modelPath,
      int concurrency,
      int threadsPerCall,
      int elasticCores,
      AudioContext audioContext,
      boolean useGpu)
      throws IOException {
    if (!Files.isRegularFile(modelPath)) {
      throw new IOException(
          "Whisper model not found at "
              + modelPath.toAbsolutePath()
              + " (run scripts/ensure-model.sh, or set STT_MODEL_PATH / WHISPER_MODEL_SIZE)");
    }
    WhisperJNI.loadLibrary(message -> log.debug("whisper.cpp: {}", message.strip()));
    if (!log.isDebugEnabled()) {
      // whisper.cpp writes its own log lines (model loading, backends) straight to stderr,
      // unstructured, which breaks a JSON log stream. Forwarding them through whisper-jni's
      // logger is no option: its native proxy detaches the calling thread from the JVM after
      // each line, and that thread is our inference worker. So they are silenced, except at
      // STT_LOG_LEVEL=DEBUG, and the build's features are logged once below instead.
      WhisperJNI.setLibraryLogger(null);
    }
    this.whisper = new WhisperJNI();
    this.buildFeatures = whisper.getSystemInfo().strip();
    log.info("whisper.cpp build: {}", buildFeatures);
    WhisperContextParams contextParams = new WhisperContextParams();
    contextParams.useGPU = useGpu;
    this.states = new ArrayBlockingQueue<>(concurrency);
    NATIVE_MAPS.writeLock().lock();
    try {
      this.context = whisper.initNoState(modelPath, contextParams);
      if (context == null) {
        throw new IOException("whisper.cpp could not load the model at " + modelPath);
      }
      for (int i = 0; i < concurrency; i++) {
        WhisperState state = whisper.initState(context);
        if (state == null) {
          close();
          throw new IOException("whisper.cpp could not allocate decoder state " + i);
        }
        allStates.add(state);
        states.add(state);
      }
      this.multilingual = whisper.isMultilingual(context);
    } finally {
      NATIVE_MAPS.writeLock().unlock();
    }
    this.threads = new ThreadAllotment(threadsPerCall, elasticCores);
    this.audioContext = audioContext;
    this.modelPath = modelPath;
  }

  @Override
  public Transcript transcribe(float[] samples, Optional<String> language)
      throws RecognitionException {
    return transcribe(samples, Hints.language(language), false);
  }

  /** Interim work keeps its base threads: idle cores stay free for the finals. */
  @Override
  public Transcript transcribeInBackground(float[] samples, Optional<String> language)
      throws RecognitionException {
    return transcribe(samples, Hints.language(language), true);
  }

  /** The prompt becomes whisper.cpp's {@code initial_prompt} for this call alone. */
  @Override
  public Transcript transcribe(float[] samples, Hints hints) throws RecognitionException {
    return transcribe(samples, hints, false);
  }

  @Override
  public Transcript transcribeInBackground(float[] samples, Hints hints)
      throws RecognitionException {
    return transcribe(samples, hints, true);
  }

  private Transcript transcribe(float[] samples, Hints hints, boolean background)
      throws RecognitionException {
    WhisperState state;
    try {
      state = states.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RecognitionException(
          RecognitionException.Kind.INTERRUPTED, "interrupted waiting for a decoder");
    }
    try {
      return run(state, samples, hints, background);
    } finally {
      states.add(state);
    }
  }

  private Transcript run(WhisperState state, float[] samples, Hints hints, boolean background)
      throws RecognitionException {
    String lang = multilingual ? hints.language().orElse("auto") : "en";
    String prompt = hints.prompt().orElse(null);
    long started = System.nanoTime();
    samples = atLeastASecond(samples);
    int audioCtx = audioContextFrames(samples.length);
    int threadCount = background ? threads.acquireBase() : threads.acquire();
    NATIVE_MAPS.readLock().lock();
    try {
      return decodeAndCollect(state, samples, lang, prompt, audioCtx, threadCount, started);
    } finally {
      NATIVE_MAPS.readLock().unlock();
      threads.release();
    }
  }

  private Transcript decodeAndCollect(
      WhisperState state,
      float[] samples,
      String lang,
      String prompt,
      int audioCtx,
      int threadCount,
      long started)
      throws RecognitionException {
    decode(state, samples, lang, prompt, audioCtx, threadCount);
    if (audioCtx != 0
        && DegenerateOutput.detect(allText(state), samples.length / (double) SAMPLE_RATE)) {
      // A shortened encoder window occasionally sends the decoder into a loop; the full
      // window does not. Paying for a second pass on those rare clips keeps the fast path safe.
      log.debug(
          "degenerate output with audio_ctx {}; decoding again with the full context", audioCtx);
      decode(state, samples, lang, prompt, 0, threadCount);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    int count = whisper.fullNSegmentsFromState(state);
    List<Timed> segments = new ArrayList<>(count);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      String segmentText = TranscriptCleaner.clean(whisper.fullGetSegmentTextFromState(state, i));
      if (segmentText.isEmpty()) {
        continue;
      }
      // whisper.cpp timestamps are in centiseconds.
      double start = whisper.fullGetSegmentTimestamp0FromState(state, i) / 100.0;
      double end = whisper.fullGetSegmentTimestamp1FromState(state, i) / 100.0;
      if (prompt != null) {
        // Without timestamps (below) the one segment spans the decoder's window.
        end = Math.min(end, samples.length / (double) SAMPLE_RATE);
      }
      segments.add(new Timed(segmentText, start, end));
      if (!text.isEmpty()) {
        text.append(' ');
      }
      text.append(segmentText);
    }
    Optional<String> detected = lang.equals("auto") ? Optional.empty() : Optional.of(lang);
    return new Transcript(text.toString(), segments, detected, seconds);
  }

  private void decode(
      WhisperState state,
      float[] samples,
      String lang,
      String prompt,
      int audioCtx,
      int threadCount)
      throws RecognitionException {
    int rc =
        whisper.fullWithState(
            context, state, params(lang, prompt, audioCtx, threadCount), samples, samples.length);
    if (rc != 0) {
      throw new RecognitionException(
          RecognitionException.Kind.FAILED, "whisper.cpp returned error " + rc);
    }
  }

  private String allText(WhisperState state) {
    StringBuilder text = new StringBuilder();
    int count = whisper.fullNSegmentsFromState(state);
    for (int i = 0; i < count; i++) {
      text.append(whisper.fullGetSegmentTextFromState(state, i)).append(' ');
    }
    return text.toString();
  }

  /**
   * @param prompt the session's vocabulary hint, or null
   */
  private WhisperFullParams params(String language, String prompt, int audioCtx, int threadCount) {
    WhisperFullParams params = new WhisperFullParams(WhisperSamplingStrategy.GREEDY);
    params.nThreads = threadCount;
    params.language = language;
    params.translate = false;
    // Each call is an independent utterance: no carry-over of the previous call's text. The
    // session's vocabulary, when it has one, is the only prompt: whisper.cpp clears the past text
    // (no_context) and then puts initial_prompt in its place, for this call alone.
    params.noContext = true;
    params.initialPrompt = prompt;
    // With a prompt, timestamp decoding ends early on the shortened encoder window: the decoder
    // places a timestamp inside the last word, whisper.cpp seeks past it, and the rest (under its
    // 1 s minimum) is never decoded ("in Stornoway" came out "in Sto" on 5 of 28 utterances,
    // docs/benchmarks.md). Without timestamps the window is decoded as one text to its end. A
    // session with a vocabulary gets one segment per result; sessions without one are unchanged.
    params.noTimestamps = prompt != null;
    params.singleSegment = false;
    params.printProgress = false;
    params.printRealtime = false;
    params.printSpecial = false;
    params.printTimestamps = false;
    params.suppressBlank = true;
    params.suppressNonSpeechTokens = true;
    // No temperature fallback: whisper-jni's default (+0.4 per retry) decodes a clip again at
    // higher temperatures when it looks unsure, up to several times, which is where the worst
    // cases in time came from; a degenerate output is caught and re-decoded with the full window
    // instead (DegenerateOutput). Measured in docs/benchmarks.md.
    params.temperatureInc = 0.0f;
    params.audioCtx = audioCtx;
    return params;
  }

  /**
   * whisper.cpp (1.7.1) returns nothing for less than 1 s of audio ("input is too short"): a short
   * utterance ("Yes.", "Stop.") and an early interim would be lost. Such audio is padded with
   * silence to {@value #MIN_SAMPLES} samples, which whisper does to every input anyway.
   */
  static float[] atLeastASecond(float[] samples) {
    return samples.length >= MIN_SAMPLES ? samples : Arrays.copyOf(samples, MIN_SAMPLES);
  }

  /** Encoder frames for this call: the service's own window rule (0: the full window). */
  int audioContextFrames(int sampleCount) {
    return audioContext.isAuto()
        ? LocalWhisperRecognizer.autoContextFrames(sampleCount)
        : audioContext.frames();
  }

  /**
   * False: a hung call keeps its decoder state, and no other can be allocated in its place while it
   * hangs (allocating takes {@link #NATIVE_MAPS}' write lock, and the hung call holds a read lock
   * for ever). A replacement worker would only wait for another call's state, its deadline running
   * meanwhile; instead the scheduler counts the stuck call as a busy worker until it returns.
   */
  @Override
  public boolean independentCalls() {
    return false;
  }

  @Override
  public int maxConcurrency() {
    return allStates.size();
  }

  @Override
  public String describe() {
    return "local whisper.cpp "
        + modelPath.getFileName()
        + " ("
        + allStates.size()
        + " workers x "
        + threads.describe()
        + ", audio_ctx "
        + (audioContext.isAuto()
            ? "auto"
            : audioContext.frames() == 0 ? "full" : audioContext.frames())
        + ", "
        + (multilingual ? "multilingual" : "English-only")
        + ")";
  }

  /**
   * Whether the loaded whisper.cpp was built with a GPU backend. whisper-jni quietly falls back to
   * its bundled CPU build when the library directory of a GPU build is wrong, so this is what says
   * whether {@code WHISPER_DEVICE} can have any effect. ROCm (HIP) builds report as CUDA.
   */
  public boolean hasGpuBackend() {
    return GPU_BACKENDS.stream().anyMatch(b -> buildFeatures.contains(b + " = 1"));
  }

  @Override
  public void close() {
    NATIVE_MAPS.writeLock().lock();
    try {
      for (WhisperState state : allStates) {
        whisper.free(state);
      }
      allStates.clear();
      if (context != null) {
        whisper.free(context);
      }
    } finally {
      NATIVE_MAPS.writeLock().unlock();
    }
  }
}
