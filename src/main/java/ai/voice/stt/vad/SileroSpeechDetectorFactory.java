package ai.voice.stt.vad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Silero VAD v6 (a small neural network, MIT) through ONNX Runtime (decisions/0025). One ONNX
 * session for the whole process, shared by every stream and every service in it ({@code
 * OrtSession.run} is thread-safe) and, like a native library, never unloaded: no session can then
 * call it after it was freed. Each stream keeps its own recurrent state, context and hysteresis.
 *
 * <p>The model takes 512 new samples (32 ms at 16 kHz) with the 64 samples before them, and returns
 * a speech probability and its new state. The service's frames are 30 ms, so a stream buffers
 * samples and runs the model each time 512 have come; a frame's answer is the state after the last
 * whole window, which ends 0-30 ms (15 ms on average) before the frame does.
 *
 * <p>Hysteresis as Silero's own {@code VADIterator}: speech starts at probability &ge; {@link
 * #THRESHOLD}, ends below {@link #NEG_THRESHOLD}. Its minimum silence is left to the segmenter,
 * which counts the end-point silence itself.
 */
public final class SileroSpeechDetectorFactory implements SpeechDetectorFactory {
  /** Probability at or above which speech starts (Silero's default). */
  public static final float THRESHOLD = 0.5f;

  /** Probability below which speech ends (Silero's default: the threshold less 0.15). */
  public static final float NEG_THRESHOLD = 0.35f;

  /** New samples per model call at 16 kHz. */
  public static final int WINDOW = 512;

  /** Samples of the previous window the model sees before the new ones. */
  static final int CONTEXT = 64;

  private static final int STATE = 2 * 128;
  private static final long[] INPUT_SHAPE = {1, CONTEXT + WINDOW};
  private static final long[] STATE_SHAPE = {2, 1, 128};

  private static final long WIDE_STACK = 16L << 20;
  private static final Map<Path, SileroSpeechDetectorFactory> LOADED = new ConcurrentHashMap<>();

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final OnnxTensor sampleRate;

  /**
   * The process's detectors for {@code model}, loading it the first time; fails at start-up, not on
   * the first session.
   *
   * @param model the {@code silero_vad.onnx} file (scripts/ensure-vad-model.sh)
   */
  public static SileroSpeechDetectorFactory load(Path model) {
    return LOADED.computeIfAbsent(
        model.toAbsolutePath().normalize(), SileroSpeechDetectorFactory::loadOnWideStack);
  }

  /**
   * ONNX Runtime 1.29's start-up (the first {@code OrtEnvironment}) overflowed the JVM main
   * thread's 1 MiB stack when the command line was long (a classpath of full jar paths): a SIGSEGV,
   * no Java error. It therefore runs on a thread of its own with a wide stack.
   */
  private static SileroSpeechDetectorFactory loadOnWideStack(Path model) {
    AtomicReference<Object> loaded = new AtomicReference<>();
    Thread loader =
        Thread.ofPlatform()
            .name("silero-vad-load")
            .stackSize(WIDE_STACK)
            .unstarted(
                () -> {
                  try {
                    loaded.set(new SileroSpeechDetectorFactory(model));
                  } catch (RuntimeException | Error e) {
                    loaded.set(e);
                  }
                });
    loader.start();
    boolean interrupted = false;
    while (true) {
      try {
        loader.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return switch (loaded.get()) {
      case SileroSpeechDetectorFactory factory -> factory;
      case RuntimeException e -> throw e;
      case Error e -> throw e;
      default -> throw new IllegalStateException("the Silero VAD loader ended without a result");
    };
  }

  private SileroSpeechDetectorFactory(Path model) {
    if (!Files.isRegularFile(model)) {
      throw new IllegalArgumentException(
          "Silero VAD model not found: "
              + model
              + " (scripts/ensure-vad-model.sh fetches it, or set STT_VAD_MODEL_PATH)");
    }
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // One thread per call: the call is ~0.3 ms, and sessions run in parallel on their own.
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      this.session = env.createSession(model.toString(), options);
      this.sampleRate = OnnxTensor.createTensor(env, (long) SpeechDetector.SAMPLE_RATE);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot load the Silero VAD model " + model, e);
    }
  }

  @Override
  public SpeechDetector create() {
    return new SileroSpeechDetector();
  }

  /** The probability of speech in one window; updates {@code state} in place. */
  private float probability(float[] input, float[] state) {
    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), INPUT_SHAPE);
        OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(state), STATE_SHAPE);
        OrtSession.Result out = session.run(Map.of("input", in, "state", st, "sr", sampleRate))) {
      float p = ((OnnxTensor) out.get(0)).getFloatBuffer().get(0);
      ((OnnxTensor) out.get(1)).getFloatBuffer().get(state);
      return p;
    } catch (OrtException e) {
      throw new IllegalStateException("Silero VAD inference failed", e);
    }
  }

  /** One stream's detector; like the stream, used by one thread at a time. */
  private final class SileroSpeechDetector implements SpeechDetector {
    /** The context, then the window being filled: the model's input as it will be sent. */
    private final float[] input = new float[CONTEXT + WINDOW];

    private final float[] state = new float[STATE];
    private int filled;
    private boolean speech;
    private boolean closed;

    @Override
    public boolean isSpeech(short[] frame) {
      if (closed) {
        throw new IllegalStateException("VAD used after close");
      }
      for (short s : frame) {
        input[CONTEXT + filled++] = s / 32768f;
        if (filled == WINDOW) {
          float p = probability(input, state);
          speech = speech ? p >= NEG_THRESHOLD : p >= THRESHOLD;
          System.arraycopy(input, WINDOW, input, 0, CONTEXT);
          filled = 0;
        }
      }
      return speech;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
