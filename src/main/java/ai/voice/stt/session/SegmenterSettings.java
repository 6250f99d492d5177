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
 * @param sentenceEndFrames unvoiced frames that close an utterance whose speculative transcript
 *     ends a sentence (adaptive end-pointing); at least {@code trailingFrames}, at most {@code
 *     endpointFrames}
 * @param speculateFrames unvoiced frames after which the open utterance is offered for speculative
 *     recognition: its words are all there; the rest of the trailing silence kept with the segment
 *     adds none. At least 1, at most {@code trailingFrames}
 * @param speechGate which segments hold speech and go to the recognizer
 */
public record SegmenterSettings(
    int minSpeechFrames,
    int endpointFrames,
    int preRollFrames,
    int trailingFrames,
    int maxUtteranceSamples,
    int sentenceEndFrames,
    int speculateFrames,
    SpeechGate speechGate) {
  private static final Duration TRAILING_SILENCE = Duration.ofMillis(210);
  private static final int DEFAULT_SPECULATE_FRAMES = 7;

  public SegmenterSettings {
    sentenceEndFrames = Math.min(endpointFrames, Math.max(trailingFrames, sentenceEndFrames));
    speculateFrames = Math.max(1, Math.min(trailingFrames, speculateFrames));
  }

  /** Settings that take every segment the VAD heard anything in for speech. */
  public SegmenterSettings(
      int minSpeechFrames,
      int endpointFrames,
      int preRollFrames,
      int trailingFrames,
      int maxUtteranceSamples,
      int sentenceEndFrames,
      int speculateFrames) {
    this(
        minSpeechFrames,
        endpointFrames,
        preRollFrames,
        trailingFrames,
        maxUtteranceSamples,
        sentenceEndFrames,
        speculateFrames,
        SpeechGate.OFF);
  }

  /** Settings without adaptive end-pointing, speculating after the default 210 ms. */
  public SegmenterSettings(
      int minSpeechFrames,
      int endpointFrames,
      int preRollFrames,
      int trailingFrames,
      int maxUtteranceSamples) {
    this(
        minSpeechFrames,
        endpointFrames,
        preRollFrames,
        trailingFrames,
        maxUtteranceSamples,
        endpointFrames,
        DEFAULT_SPECULATE_FRAMES);
  }

  public static SegmenterSettings from(SttConfig.Streaming streaming) {
    int endpoint = Math.max(1, frames(streaming.endpointSilence()));
    return new SegmenterSettings(
        Math.max(1, frames(streaming.minSpeech())),
        endpoint,
        frames(streaming.preRoll()),
        Math.min(endpoint, frames(TRAILING_SILENCE)),
        // STT_BUFFER_SIZE_BYTES counts 16-bit samples, as the original module buffered them.
        Math.max(SpeechDetector.FRAME_SAMPLES, streaming.bufferSizeBytes() / 2),
        frames(streaming.sentenceEndSilence()),
        frames(streaming.speculateAfter()),
        new SpeechGate(frames(streaming.minVoicedRun()), streaming.minVoicedModulationDb()));
  }

  static int frames(Duration duration) {
    return (int) (duration.toMillis() / SpeechDetector.FRAME_MS);
  }
}
