package ai.voice.stt.session;

import ai.voice.stt.config.SttConfig;
import ai.voice.stt.vad.SpeechDetector;
import java.time.Duration;

/**
 * The streaming parameters converted once to frames and samples (30 ms frames at 16 kHz).
 *
 * @param minSpeechFrames consecutive voiced frames that open an utterance
 * @param endpointFrames consecutive unvoiced frames that close it
 * @param preRollFrames frames kept from before the onset so first syllables are not clipped
 * @param trailingFrames silent frames kept after the last voiced one (whisper ends words better)
 * @param maxUtteranceSamples the buffer limit that forces a partial result
 */
public record SegmenterSettings(
    int minSpeechFrames,
    int endpointFrames,
    int preRollFrames,
    int trailingFrames,
    int maxUtteranceSamples) {
  private static final Duration TRAILING_SILENCE = Duration.ofMillis(210);

  public static SegmenterSettings from(SttConfig.Streaming streaming) {
    int endpoint = frames(streaming.endpointSilence());
    return new SegmenterSettings(
        Math.max(1, frames(streaming.minSpeech())),
        Math.max(1, endpoint),
        frames(streaming.preRoll()),
        Math.min(endpoint, frames(TRAILING_SILENCE)),
        // STT_BUFFER_SIZE_BYTES counts 16-bit samples, as the original module buffered them.
        Math.max(SpeechDetector.FRAME_SAMPLES, streaming.bufferSizeBytes() / 2));
  }

  static int frames(Duration duration) {
    return (int) (duration.toMillis() / SpeechDetector.FRAME_MS);
  }
}
