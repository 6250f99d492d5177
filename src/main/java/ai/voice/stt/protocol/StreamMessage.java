package ai.voice.stt.protocol;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** One decoded input message of {@code ai.voice.stream.{session_id}}. */
public sealed interface StreamMessage {

  /**
   * Opens a session; every field has a default (PROTOCOL.md).
   *
   * @param vocabulary terms to expect (extension, {@link Vocabulary}): validated, possibly empty
   * @param wordTimestamps the session's results carry their words with times and confidence
   *     (extension {@code word_timestamps}, default false)
   * @param turnEvents the client asked for end-of-turn events ({@code turn_events}, extension)
   */
  record Start(
      int sampleRate,
      int channels,
      SessionState state,
      Optional<String> speakerId,
      Optional<String> language,
      Optional<Boolean> interimResults,
      List<String> vocabulary,
      boolean wordTimestamps,
      boolean turnEvents)
      implements StreamMessage {
    public static final int DEFAULT_SAMPLE_RATE = 16_000;
    public static final int DEFAULT_CHANNELS = 1;

    /** The implicit start of a session whose first message is a chunk. */
    public static Start defaults() {
      return new Start(
          DEFAULT_SAMPLE_RATE,
          DEFAULT_CHANNELS,
          SessionState.LISTENING,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of(),
          false,
          false);
    }

    public Start {
      vocabulary = vocabulary == null ? List.of() : List.copyOf(vocabulary);
    }

    /** A start without {@code word_timestamps} and {@code turn_events}. */
    public Start(
        int sampleRate,
        int channels,
        SessionState state,
        Optional<String> speakerId,
        Optional<String> language,
        Optional<Boolean> interimResults,
        List<String> vocabulary) {
      this(
          sampleRate,
          channels,
          state,
          speakerId,
          language,
          interimResults,
          vocabulary,
          false,
          false);
    }

    /** A start without {@code vocabulary}. */
    public Start(
        int sampleRate,
        int channels,
        SessionState state,
        Optional<String> speakerId,
        Optional<String> language,
        Optional<Boolean> interimResults) {
      this(sampleRate, channels, state, speakerId, language, interimResults, List.of());
    }

    /** The recognizer's prompt for this session's vocabulary; empty without one. */
    public Optional<String> prompt() {
      return Vocabulary.prompt(vocabulary);
    }

    /** A start without {@code interim_results}: the service's default applies. */
    public Start(
        int sampleRate,
        int channels,
        SessionState state,
        Optional<String> speakerId,
        Optional<String> language) {
      this(sampleRate, channels, state, speakerId, language, Optional.empty());
    }
  }

  /** Raw PCM, signed 16-bit little-endian, interleaved if stereo. */
  record Chunk(byte[] pcm, OptionalDouble timestamp) implements StreamMessage {}

  record StateChange(SessionState state) implements StreamMessage {}

  record End() implements StreamMessage {}
}
