package ai.voice.stt.client;

import java.util.List;
import java.util.Optional;

/**
 * How a recording is streamed.
 *
 * @param chunkMillis audio per chunk message
 * @param speed 1 for real time, N for N times faster, 0 for as fast as possible
 * @param binary send PCM as msgpack bin ({@code audio}) instead of base64 ({@code audio_b64})
 * @param interimResults ask for interim results ({@code interim_results: true} in start)
 * @param vocabulary words and names to expect ({@code vocabulary} in start when not empty)
 * @param wordTimestamps ask for words with times and confidence ({@code word_timestamps: true})
 * @param turnEvents ask for end-of-turn events ({@code turn_events: true} in start)
 */
public record StreamOptions(
    int chunkMillis,
    double speed,
    String state,
    Optional<String> speakerId,
    Optional<String> language,
    boolean binary,
    boolean interimResults,
    List<String> vocabulary,
    boolean wordTimestamps,
    boolean turnEvents) {

  public StreamOptions {
    vocabulary = vocabulary == null ? List.of() : List.copyOf(vocabulary);
  }

  /** Options without word timestamps or turn events. */
  public StreamOptions(
      int chunkMillis,
      double speed,
      String state,
      Optional<String> speakerId,
      Optional<String> language,
      boolean binary,
      boolean interimResults,
      List<String> vocabulary) {
    this(
        chunkMillis,
        speed,
        state,
        speakerId,
        language,
        binary,
        interimResults,
        vocabulary,
        false,
        false);
  }

  /** Options without a vocabulary. */
  public StreamOptions(
      int chunkMillis,
      double speed,
      String state,
      Optional<String> speakerId,
      Optional<String> language,
      boolean binary,
      boolean interimResults) {
    this(chunkMillis, speed, state, speakerId, language, binary, interimResults, List.of());
  }

  public static StreamOptions realTime() {
    return new StreamOptions(
        20, 1.0, "listening", Optional.empty(), Optional.empty(), false, false);
  }

  public StreamOptions withInterimResults(boolean interim) {
    return new StreamOptions(
        chunkMillis,
        speed,
        state,
        speakerId,
        language,
        binary,
        interim,
        vocabulary,
        wordTimestamps,
        turnEvents);
  }

  public StreamOptions withState(String newState) {
    return new StreamOptions(
        chunkMillis,
        speed,
        newState,
        speakerId,
        language,
        binary,
        interimResults,
        vocabulary,
        wordTimestamps,
        turnEvents);
  }

  public StreamOptions withSpeaker(String speaker) {
    return new StreamOptions(
        chunkMillis,
        speed,
        state,
        Optional.of(speaker),
        language,
        binary,
        interimResults,
        vocabulary,
        wordTimestamps,
        turnEvents);
  }

  public StreamOptions withSpeed(double newSpeed) {
    return new StreamOptions(
        chunkMillis,
        newSpeed,
        state,
        speakerId,
        language,
        binary,
        interimResults,
        vocabulary,
        wordTimestamps,
        turnEvents);
  }

  public StreamOptions withBinary(boolean useBinary) {
    return new StreamOptions(
        chunkMillis,
        speed,
        state,
        speakerId,
        language,
        useBinary,
        interimResults,
        vocabulary,
        wordTimestamps,
        turnEvents);
  }

  public StreamOptions withVocabulary(List<String> terms) {
    return new StreamOptions(
        chunkMillis,
        speed,
        state,
        speakerId,
        language,
        binary,
        interimResults,
        terms,
        wordTimestamps,
        turnEvents);
  }

  public StreamOptions withWordTimestamps(boolean words) {
    return new StreamOptions(
        chunkMillis,
        speed,
        state,
        speakerId,
        language,
        binary,
        interimResults,
        vocabulary,
        words,
        turnEvents);
  }

  public StreamOptions withTurnEvents(boolean events) {
    return new StreamOptions(
        chunkMillis,
        speed,
        state,
        speakerId,
        language,
        binary,
        interimResults,
        vocabulary,
        wordTimestamps,
        events);
  }
}
