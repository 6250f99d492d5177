package ai.voice.stt.turn;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Smart Turn v3.2 (pipecat-ai, BSD-2-Clause) through ONNX Runtime: given the audio of the turn so
 * far, the probability that the speaker has finished it. Input {@code input_features} [1, 80, 800]
 * (the last 8 s as {@link LogMelSpectrogram}), output one probability (the graph ends in its
 * sigmoid). One intra-op thread per call, as pipecat runs it: the caller decides the parallelism.
 * Thread-safe (ONNX Runtime sessions are); about 75 ms a call on one core.
 */
public final class SmartTurnModel implements AutoCloseable {
  private static final String INPUT = "input_features";

  private final OrtEnvironment environment;
  private final OrtSession session;

  private SmartTurnModel(OrtEnvironment environment, OrtSession session) {
    this.environment = environment;
    this.session = session;
  }

  public static SmartTurnModel load(Path model) {
    if (!Files.isRegularFile(model)) {
      throw new IllegalArgumentException(
          "turn model " + model + " not found (scripts/ensure-turn-model.sh fetches it)");
    }
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      OrtSession session = environment.createSession(model.toString(), options);
      if (!session.getInputNames().contains(INPUT) || session.getOutputNames().size() != 1) {
        session.close();
        throw new IllegalArgumentException(
            "turn model "
                + model
                + " is not Smart Turn v3 (inputs "
                + session.getInputNames()
                + ")");
      }
      return new SmartTurnModel(environment, session);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot load turn model " + model + ": " + e.getMessage(), e);
    }
  }

  /**
   * The probability, in [0, 1], that the turn is complete after {@code audio} (16 kHz mono, samples
   * in [−1, 1]; only its last 8 s count).
   */
  public double completeness(float[] audio) {
    float[][] features = new LogMelSpectrogram().features(audio);
    FloatBuffer flat = FloatBuffer.allocate(LogMelSpectrogram.MELS * LogMelSpectrogram.FRAMES);
    for (float[] row : features) {
      flat.put(row);
    }
    flat.flip();
    long[] shape = {1, LogMelSpectrogram.MELS, LogMelSpectrogram.FRAMES};
    try (OnnxTensor input = OnnxTensor.createTensor(environment, flat, shape);
        OrtSession.Result result = session.run(Map.of(INPUT, input))) {
      float[][] output = (float[][]) result.get(0).getValue();
      return Math.clamp(output[0][0], 0.0, 1.0);
    } catch (OrtException e) {
      throw new IllegalStateException("turn model failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
