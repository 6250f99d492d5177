package ai.voice.stt.client;

import java.util.Optional;

/**
 * How a recording is streamed.
 *
 * @param chunkMillis audio per chunk message
 * @param speed 1 for real time, N for N times faster, 0 for as fast as possible
 * @param binary send PCM as msgpack bin ({@code audio}) instead of base64 ({@code audio_b64})
 * @param interimResults ask for interim results ({@code interim_results: true} in start)
 */
public record StreamOptions(
    int chunkMillis,
    double speed,
    String state,
    Optional<String> speakerId,
    Optional<String> language,
    boolean binary,
    boolean interimResults) {
  public static StreamOptions realTime() {
    return new StreamOptions(
        20, 1.0, "listening", Optional.empty(), Optional.empty(), false, false);
  }

  public StreamOptions withInterimResults(boolean interim) {
    return new StreamOptions(chunkMillis, speed, state, speakerId, language, binary, interim);
  }

  public StreamOptions withState(String newState) {
    return new StreamOptions(
        chunkMillis, speed, newState, speakerId, language, binary, interimResults);
  }

  public StreamOptions withSpeaker(String speaker) {
    return new StreamOptions(
        chunkMillis, speed, state, Optional.of(speaker), language, binary, interimResults);
  }

  public StreamOptions withSpeed(double newSpeed) {
    return new StreamOptions(
        chunkMillis, newSpeed, state, speakerId, language, binary, interimResults);
  }

  public StreamOptions withBinary(boolean useBinary) {
    return new StreamOptions(
        chunkMillis, speed, state, speakerId, language, useBinary, interimResults);
  }
}
