package ai.voice.stt.recognizer;

import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.recognizer.Transcript.Timed;
import ai.voice.stt.recognizer.whisper.AbortFlag;
import ai.voice.stt.recognizer.whisper.DecodeRequest;
import ai.voice.stt.recognizer.whisper.WhisperAbortedException;
import ai.voice.stt.recognizer.whisper.WhisperException;
import ai.voice.stt.recognizer.whisper.WhisperModel;
import ai.voice.stt.recognizer.whisper.WhisperState;
import ai.voice.stt.recognizer.whisper.WhisperState.Segment;
import ai.voice.stt.recognizer.whisper.WhisperState.Token;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * whisper.cpp in-process through our FFM binding ({@link WhisperModel}, decisions/0029): one model
 * context for the process and one decoder state per concurrent call, as whisper.h's thread-safety
 * notes require (a context is read-only once loaded; a state is not shareable). No lock is held
 * around the native calls: whisper.cpp needs none, and the binding keeps no shared native tables.
 * {@link #lifecycle} only keeps {@link #close()} from freeing the model under a running call.
 */
public final class LocalWhisperRecognizer implements Recognizer {
  private static final Logger log = LoggerFactory.getLogger(LocalWhisperRecognizer.class);
  private static final ThreadMXBean THREAD_CPU = ManagementFactory.getThreadMXBean();
  private static final int SAMPLE_RATE = 16_000;
  // Whisper's encoder turns 1 s into 50 frames; the margin keeps the last word's context.
  private static final int FRAMES_PER_SECOND = 50;
  private static final int AUTO_CONTEXT_MARGIN = 128;
  // The shortest window `auto` computes, from the 12-file corpus (no loop, same words as 768
  // there, scripts/window-sweep.sh). 704 wins a LibriVox word and 0.5 points of the evaluation set
  // but moves single words' end times 340-380 ms off their speech (issue 21's 150 ms): not taken
  // (decisions/0036).
  private static final int MIN_AUTO_CONTEXT = 512;
  private static final int FULL_CONTEXT = 1500;
  // 1.1 s: whisper.cpp skips input under 1 s (100 mel frames); a margin above its threshold.
  static final int MIN_SAMPLES = 17_600;
  // Read-locked by each call, write-locked by close(): this recognizer's own native memory.
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  // Backends in whisper_print_system_info() that run the model off the CPU.
  private static final List<String> GPU_BACKENDS = List.of("CUDA", "METAL", "COREML", "CANN");

  private final WhisperModel model;
  private final BlockingQueue<WhisperState> states;
  private final List<WhisperState> allStates = new ArrayList<>();
  private final ThreadAllotment threads;
  private final AudioContext audioContext;
  private final boolean multilingual;
  private final Path modelPath;
  private final String buildFeatures;
  private final int beamSize;

  /**
   * Loads the model once and allocates {@code concurrency} states.
   *
   * @throws IOException when the model is missing or whisper.cpp rejects it
   */
  public LocalWhisperRecognizer(
      Path modelPath, int concurrency, int threadsPerCall, AudioContext audioContext)
      throws IOException {
    this(modelPath, concurrency, threadsPerCall, 0, audioContext);
  }

  /**
   * @param elasticCores cores that idle workers lend to running calls (0: always {@code
   *     threadsPerCall})
   */
  public LocalWhisperRecognizer(
      Path modelPath,
      int concurrency,
      int threadsPerCall,
      int elasticCores,
      AudioContext audioContext)
      throws IOException {
    this(modelPath, concurrency, threadsPerCall, elasticCores, audioContext, true);
  }

  /**
   * @param useGpu whether a GPU build of whisper.cpp (Dockerfile.rocm) may offload to the GPU; a
   *     CPU build ignores it
   */
  public LocalWhisperRecognizer(
      Path modelPath,
      int concurrency,
      int threadsPerCall,
      int elasticCores,
      AudioContext audioContext,
      boolean useGpu)
      throws IOException {
    this(modelPath, concurrency, threadsPerCall, elasticCores, audioContext, useGpu, 1);
  }

  /**
   * @param beamSize 1: greedy decoding, as the service does; more: beam search of that width (the
   *     evaluation tool's comparison, {@code stt eval --offline auto:beam5})
   */
  public LocalWhisperRecognizer(
      Path modelPath,
      int concurrency,
      int threadsPerCall,
      int elasticCores,
      AudioContext audioContext,
      boolean useGpu,
      int beamSize)
      throws IOException {
    if (beamSize < 1) {
      throw new IllegalArgumentException("beam size must be at least 1, not " + beamSize);
    }
    this.beamSize = beamSize;
    if (!Files.isRegularFile(modelPath)) {
      throw new IOException(
          "Whisper model not found at "
              + modelPath.toAbsolutePath()
              + " (run scripts/ensure-model.sh, or set STT_MODEL_PATH / WHISPER_MODEL_SIZE)");
    }
    this.model = WhisperModel.load(modelPath, useGpu);
    this.buildFeatures = model.systemInfo();
    log.info("whisper.cpp build: {} (from {})", buildFeatures, model.librarySource());
    this.states = new ArrayBlockingQueue<>(concurrency);
    try {
      for (int i = 0; i < concurrency; i++) {
        WhisperState state = model.newState();
        allStates.add(state);
        states.add(state);
      }
    } catch (IOException e) {
      close();
      throw e;
    }
    this.multilingual = model.multilingual();
    this.threads = new ThreadAllotment(threadsPerCall, elasticCores);
    this.audioContext = audioContext;
    this.modelPath = modelPath;
  }

  @Override
  public Transcript transcribe(float[] samples, Optional<String> language)
      throws RecognitionException {
    return transcribe(samples, Hints.language(language), false, new RecognizerCall());
  }

  /** Interim work keeps its base threads: idle cores stay free for the finals. */
  @Override
  public Transcript transcribeInBackground(float[] samples, Optional<String> language)
      throws RecognitionException {
    return transcribe(samples, Hints.language(language), true, new RecognizerCall());
  }

  /** The prompt becomes whisper.cpp's {@code initial_prompt} for this call alone. */
  @Override
  public Transcript transcribe(float[] samples, Hints hints) throws RecognitionException {
    return transcribe(samples, hints, false, new RecognizerCall());
  }

  @Override
  public Transcript transcribeInBackground(float[] samples, Hints hints)
      throws RecognitionException {
    return transcribe(samples, hints, true, new RecognizerCall());
  }

  /**
   * Stopped through whisper.cpp's abort callback ({@link AbortFlag}); its CPU is the calling
   * thread's CPU time times the threads the call was given (see {@link #decode}).
   */
  @Override
  public Transcript transcribe(
      float[] samples, Hints hints, boolean background, RecognizerCall call)
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
      return run(state, samples, hints, background, call);
    } finally {
      states.add(state);
    }
  }

  private Transcript run(
      WhisperState state, float[] samples, Hints hints, boolean background, RecognizerCall call)
      throws RecognitionException {
    String lang = multilingual ? hints.language().orElse("auto") : "en";
    String prompt = hints.prompt().orElse(null);
    long started = System.nanoTime();
    int realSamples = samples.length;
    samples = atLeastASecond(samples);
    int audioCtx = audioContextFrames(samples.length);
    int threadCount = background ? threads.acquireBase() : threads.acquire();
    lifecycle.readLock().lock();
    try {
      return decodeAndCollect(
          state, samples, realSamples, lang, prompt, audioCtx, threadCount, started, call);
    } finally {
      lifecycle.readLock().unlock();
      threads.release();
    }
  }

  private Transcript decodeAndCollect(
      WhisperState state,
      float[] samples,
      int realSamples,
      String lang,
      String prompt,
      int audioCtx,
      int threadCount,
      long started,
      RecognizerCall call)
      throws RecognitionException {
    List<Segment> decoded = decode(state, samples, lang, prompt, audioCtx, threadCount, call);
    if (audioCtx != 0
        && DegenerateOutput.detect(allText(decoded), samples.length / (double) SAMPLE_RATE)) {
      // A shortened encoder window occasionally sends the decoder into a loop; the full
      // window does not. Paying for a second pass on those rare clips keeps the fast path safe.
      log.debug(
          "degenerate output with audio_ctx {}; decoding again with the full context", audioCtx);
      decoded = decode(state, samples, lang, prompt, 0, threadCount, call);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    List<Timed> segments = new ArrayList<>(decoded.size());
    StringBuilder text = new StringBuilder();
    Words words = new Words(realSamples / (double) SAMPLE_RATE);
    for (Segment segment : decoded) {
      String segmentText = TranscriptCleaner.clean(segment.text());
      if (segmentText.isEmpty()) {
        continue;
      }
      // whisper.cpp timestamps are in centiseconds.
      double start = segment.t0() / 100.0;
      double end = segment.t1() / 100.0;
      if (prompt != null) {
        // Without timestamps (below) the one segment spans the decoder's window.
        end = Math.min(end, samples.length / (double) SAMPLE_RATE);
      }
      segments.add(new Timed(segmentText, start, end));
      if (!text.isEmpty()) {
        text.append(' ');
      }
      text.append(segmentText);
      for (Token token : segment.tokens()) {
        words.add(
            token.text(),
            token.t0() / 100.0,
            token.t1() / 100.0,
            token.probability(),
            token.special());
      }
      words.endSegment();
    }
    Optional<String> detected = lang.equals("auto") ? Optional.empty() : Optional.of(lang);
    double confidence = words.confidence();
    return new Transcript(
        text.toString(),
        segments,
        detected,
        seconds,
        words.words(),
        Double.isNaN(confidence) ? OptionalDouble.empty() : OptionalDouble.of(confidence));
  }

  /**
   * whisper.cpp's settings for this call (the rest are whisper.cpp's greedy defaults, as
   * whisper-jni 1.7.1 set them: {@link WhisperState}).
   *
   * <p>Each call is an independent utterance: no carry-over of the previous call's text. The
   * session's vocabulary, when it has one, is the only prompt: whisper.cpp clears the past text
   * (no_context) and then puts initial_prompt in its place, for this call alone.
   *
   * <p>With a prompt, timestamp decoding ends early on the shortened encoder window: the decoder
   * places a timestamp inside the last word, whisper.cpp seeks past it, and the rest (under its 1 s
   * minimum) is never decoded ("in Stornoway" came out "in Sto" on 5 of 28 utterances,
   * docs/benchmarks.md). Without timestamps the window is decoded as one text to its end. A session
   * with a vocabulary gets one segment per result; sessions without one are unchanged.
   *
   * <p>No temperature fallback: whisper-jni's default (+0.4 per retry) decodes a clip again at
   * higher temperatures when it looks unsure, up to several times, which is where the worst cases
   * in time came from; a degenerate output is caught and re-decoded with the full window instead
   * (DegenerateOutput). Measured in docs/benchmarks.md.
   *
   * <p>{@code call} stops the decode through whisper.cpp's abort callback, which whisper.cpp asks
   * before each graph computation and between decoder steps. The CPU it spent is measured as this
   * thread's CPU time times {@code threadCount}: ggml's OpenMP team splits every operation evenly
   * over its threads, this one included, and the other team threads are native threads the JVM
   * cannot read (docs/decisions/0031).
   */
  @SuppressWarnings("try") // the registration is only closed, before the flag it touches
  private List<Segment> decode(
      WhisperState state,
      float[] samples,
      String lang,
      String prompt,
      int audioCtx,
      int threadCount,
      RecognizerCall call)
      throws RecognitionException {
    long cpuBefore = THREAD_CPU.getCurrentThreadCpuTime();
    try (AbortFlag abort = new AbortFlag();
        RecognizerCall.Registration stop = call.whileRunning(abort::abort)) {
      DecodeRequest request =
          new DecodeRequest(
              lang,
              Optional.ofNullable(prompt),
              audioCtx,
              threadCount,
              prompt != null,
              Optional.of(abort),
              beamSize);
      return state.decode(request, samples);
    } catch (WhisperAbortedException e) {
      throw new RecognitionException(RecognitionException.Kind.ABORTED, e.getMessage(), e);
    } catch (WhisperException e) {
      throw new RecognitionException(RecognitionException.Kind.FAILED, e.getMessage(), e);
    } finally {
      long cpuAfter = THREAD_CPU.getCurrentThreadCpuTime();
      if (cpuBefore >= 0 && cpuAfter >= cpuBefore) {
        call.spent(threadCount * (cpuAfter - cpuBefore) / 1e9);
      }
    }
  }

  private static String allText(List<Segment> segments) {
    StringBuilder text = new StringBuilder();
    for (Segment segment : segments) {
      text.append(segment.text()).append(' ');
    }
    return text.toString();
  }

  /**
   * whisper.cpp (1.7.1) returns nothing for less than 1 s of audio ("input is too short"): a short
   * utterance ("Yes.", "Stop.") and an early interim would be lost. Such audio is padded with
   * silence to {@value #MIN_SAMPLES} samples, which whisper does to every input anyway.
   */
  static float[] atLeastASecond(float[] samples) {
    return samples.length >= MIN_SAMPLES ? samples : Arrays.copyOf(samples, MIN_SAMPLES);
  }

  /** Encoder frames for this call: 0 means whisper's full 30 s window. */
  int audioContextFrames(int sampleCount) {
    return audioContext.isAuto() ? autoContextFrames(sampleCount) : audioContext.frames();
  }

  /** The window {@code auto} computes for {@code sampleCount} samples: 0 means the full one. */
  static int autoContextFrames(int sampleCount) {
    long needed =
        (long) Math.ceil((double) sampleCount * FRAMES_PER_SECOND / SAMPLE_RATE)
            + AUTO_CONTEXT_MARGIN;
    long frames = Math.max(MIN_AUTO_CONTEXT, needed);
    return frames >= FULL_CONTEXT ? 0 : (int) frames;
  }

  /**
   * False: a hung call keeps its decoder state, one of a fixed pool. A replacement worker would
   * only wait for another call's state, its deadline running meanwhile; instead the scheduler
   * counts the stuck call as a busy worker until it returns.
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
   * Whether the loaded whisper.cpp was built with a GPU backend: what says whether {@code
   * WHISPER_DEVICE} can have any effect (a CPU build ignores it). ROCm (HIP) builds report as CUDA.
   */
  public boolean hasGpuBackend() {
    return GPU_BACKENDS.stream().anyMatch(b -> buildFeatures.contains(b + " = 1"));
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      for (WhisperState state : allStates) {
        state.close();
      }
      allStates.clear();
      if (model != null) {
        model.close();
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }
}
