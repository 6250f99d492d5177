package ai.voice.stt.session;

import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.vad.SpeechDetector;
import ai.voice.stt.vad.SpeechDetectorFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The first stage of a session: the client's PCM, in its own rate and channel count, normalised to
 * 16 kHz mono, cut into 30 ms frames and classified by the VAD, on the session's 16 kHz timeline.
 * No clock, no threads; the VAD is created with the first audio and freed by {@link #close}.
 */
final class AudioFront implements AutoCloseable {
  /**
   * One 30 ms frame: whether the onset VAD heard speech in it, and whether the end-pointing VAD did
   * (the utterance's speech goes on; a frame without it counts towards the end-point).
   */
  record Frame(short[] samples, boolean speech, boolean holds) {}

  private final SpeechDetectorFactory detectors;
  private final SpeechDetectorFactory endpointDetectors;
  private final FrameAssembler frames = new FrameAssembler(SpeechDetector.FRAME_SAMPLES);
  private SpeechDetector detector;
  private SpeechDetector endpointDetector;
  private AudioNormalizer normalizer;
  private int sampleRate;
  private int channels;
  private long timeline;

  /**
   * @param timeline where the session's 16 kHz timeline stands (non-zero for a session carried on
   *     from another replica)
   */
  AudioFront(
      SpeechDetectorFactory detectors,
      SpeechDetectorFactory endpointDetectors,
      int sampleRate,
      int channels,
      long timeline) {
    this.detectors = detectors;
    this.endpointDetectors = endpointDetectors;
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.timeline = timeline;
  }

  /** The client's format (a {@code start}); takes effect with the next audio. */
  void format(int newSampleRate, int newChannels) {
    sampleRate = newSampleRate;
    channels = newChannels;
    normalizer = null;
  }

  /** Bytes per sample frame in the client's format: a chunk must hold whole ones. */
  int frameBytes() {
    return 2 * channels;
  }

  /** Samples on the 16 kHz timeline that {@code sourceFrames} of the client's audio span. */
  long timelineSamples(long sourceFrames) {
    return Math.round(sourceFrames * (double) AudioNormalizer.TARGET_RATE / sampleRate);
  }

  /** Normalises, frames and classifies the audio; a part-frame waits for the next audio. */
  List<Frame> accept(byte[] pcm) {
    if (normalizer == null) {
      normalizer = new AudioNormalizer(sampleRate, channels);
    }
    if (detector == null) {
      detector = detectors.create();
      // One factory for both (Silero): one detector answers both questions.
      endpointDetector = endpointDetectors == detectors ? detector : endpointDetectors.create();
    }
    short[] normalized = normalizer.normalize(pcm);
    timeline += normalized.length;
    List<short[]> whole = frames.add(normalized);
    List<Frame> classified = new ArrayList<>(whole.size());
    for (short[] frame : whole) {
      boolean speech = detector.isSpeech(frame);
      boolean holds = endpointDetector == detector ? speech : endpointDetector.isSpeech(frame);
      classified.add(new Frame(frame, speech, holds));
    }
    return classified;
  }

  /** The samples short of a whole frame (they are on the timeline already). */
  short[] takeRemainder() {
    return frames.takeRemainder();
  }

  /** Audio that never arrived moves the timeline past it. */
  void skip(long samples) {
    timeline += samples;
  }

  /** The session's position on its 16 kHz timeline: every sample received or skipped. */
  long timeline() {
    return timeline;
  }

  @Override
  public void close() {
    if (detector != null) {
      detector.close();
      if (endpointDetector != detector) {
        endpointDetector.close();
      }
    }
  }
}
