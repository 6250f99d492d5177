package ai.voice.stt.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every setting of the service, read once at start-up and never changed.
 *
 * <p>Names and defaults of the variables shared with the original Python module are kept exactly
 * (see PROTOCOL.md); the {@code STT_*} additions are documented in docs/configuration.md.
 */
public record SttConfig(
    Nats nats, Recognition recognition, Streaming streaming, Limits limits, Operations operations) {

  /** Where audio comes from and results go, and how the connection is secured. */
  public record Nats(
      List<String> servers, String inputPrefix, String outputPrefix, NatsSecurity security) {
    public Nats {
      servers = List.copyOf(servers);
    }

    public String inputSubscription() {
      return inputPrefix + ".*";
    }

    public String outputSubject(String sessionId) {
      return outputPrefix + "." + sessionId;
    }

    /** A server URL fit for logs: any {@code user:password@} or {@code token@} is masked. */
    public static String redact(String url) {
      return url == null ? "" : url.replaceAll("(?<=://)[^@/]*@", "***@");
    }

    @Override
    public String toString() {
      return "Nats[servers="
          + servers.stream().map(Nats::redact).toList()
          + ", inputPrefix="
          + inputPrefix
          + ", outputPrefix="
          + outputPrefix
          + ", "
          + security.describe()
          + "]";
    }
  }

  /** Which recognizer runs and how. */
  public record Recognition(
      RecognizerKind kind,
      String whisperUrl,
      String modelSize,
      Path modelPath,
      String device,
      int threadsPerWorker,
      int workers,
      int queueCapacity,
      AudioContext audioContext,
      String language) {}

  /** The local recognizer or the HTTP Whisper service at WHISPER_URL. */
  public enum RecognizerKind {
    LOCAL,
    HTTP
  }

  /**
   * How much of whisper's 30 s encoder window is computed. {@code full} is whisper's default;
   * {@code auto} sizes it to the utterance, which cuts encoder work several-fold on short speech.
   *
   * @param frames 0 for full, -1 for auto, otherwise a fixed count of encoder frames (50 per s)
   */
  public record AudioContext(int frames) {
    public static final AudioContext FULL = new AudioContext(0);
    public static final AudioContext AUTO = new AudioContext(-1);

    public boolean isAuto() {
      return frames < 0;
    }
  }

  /** Voice activity, end-pointing and interrupt parameters. */
  public record Streaming(
      int bufferSizeBytes,
      Duration chunkTimeout,
      boolean vadEnabled,
      int vadAggressiveness,
      boolean interruptDetectionEnabled,
      Duration endpointSilence,
      Duration preRoll,
      Duration minSpeech,
      Duration interruptMinSpeech) {}

  /**
   * Bounds that keep one client from exhausting the service.
   *
   * @param maxSessionAudio audio one session may send; beyond it the session is ended
   * @param maxSessionDuration wall-clock life of one session; beyond it the session is ended
   * @param admissionQueueDepth new sessions are refused while this many recognitions wait for a
   *     worker; 0 admits regardless (see docs/decisions/0006-admission-control.md)
   */
  public record Limits(
      int maxSessions,
      int maxChunkBytes,
      Duration sessionIdleTimeout,
      Duration maxSessionAudio,
      Duration maxSessionDuration,
      int admissionQueueDepth) {}

  /** Telemetry and health. */
  public record Operations(
      int healthPort, Duration shutdownGrace, boolean otelEnabled, boolean hyperdxEnabled) {}
}
