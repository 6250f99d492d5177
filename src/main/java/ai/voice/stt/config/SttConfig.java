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

  /** Where audio comes from and results go. */
  public record Nats(List<String> servers, String inputPrefix, String outputPrefix) {
    public Nats {
      servers = List.copyOf(servers);
    }

    public String inputSubscription() {
      return inputPrefix + ".*";
    }

    public String outputSubject(String sessionId) {
      return outputPrefix + "." + sessionId;
    }
  }

  /**
   * Which recognizer runs and how.
   *
   * @param elasticCores cores idle workers lend to running calls; 0 keeps every call at {@code
   *     threadsPerWorker}
   */
  public record Recognition(
      RecognizerKind kind,
      String whisperUrl,
      String modelSize,
      Path modelPath,
      String device,
      int threadsPerWorker,
      int elasticCores,
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

    /**
     * Parses {@code auto}, {@code full} or a frame count from 64 to 1500.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static AudioContext parse(String value) {
      return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "auto" -> AUTO;
        case "full" -> FULL;
        default -> {
          int frames;
          try {
            frames = Integer.parseInt(value.strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected auto, full or 64-1500 encoder frames");
          }
          if (frames < 64 || frames > 1500) {
            throw new IllegalArgumentException("expected auto, full or 64-1500 encoder frames");
          }
          yield new AudioContext(frames);
        }
      };
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

  /** Bounds that keep one client from exhausting the service. */
  public record Limits(int maxSessions, int maxChunkBytes, Duration sessionIdleTimeout) {}

  /** Telemetry and health. */
  public record Operations(
      int healthPort, Duration shutdownGrace, boolean otelEnabled, boolean hyperdxEnabled) {}
}
