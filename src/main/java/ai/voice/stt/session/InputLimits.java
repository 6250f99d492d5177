package ai.voice.stt.session;

import ai.voice.stt.audio.AudioNormalizer;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What audio a session accepts, as a pure policy (no clock, no threads): at most {@code
 * STT_MAX_SESSION_AUDIO_SECONDS} in all, and nothing while {@code STT_SESSION_BACKLOG_SECONDS} of
 * its audio waits for the recognizer. Refused audio keeps its place in the timeline (the caller
 * skips it); a run of refused chunks is named to the client in one error once audio is accepted
 * again or the session ends. Positions are 16 kHz timeline samples; counts of accepted audio are
 * frames of the client's own format.
 */
final class InputLimits {
  private static final double TIMELINE_RATE = AudioNormalizer.TARGET_RATE;

  /**
   * What to do with a chunk.
   *
   * @param acceptFrames how many of its frames to take (0 when refused)
   * @param reachesLimit the session's audio limit is reached with this chunk: it ends
   * @param refused the backlog is full: the whole chunk is refused
   */
  record Admission(long acceptFrames, boolean reachesLimit, boolean refused) {}

  private final Duration maxAudio;
  private final Duration maxBacklog;
  private final long backlogLimitSamples;
  private long acceptedFrames;
  private long refusedFrom = -1;
  private int refusedChunks;

  /**
   * @param acceptedFrames audio accepted before (a session carried on from another replica)
   */
  InputLimits(Duration maxAudio, Duration maxBacklog, long acceptedFrames) {
    this.maxAudio = maxAudio;
    this.maxBacklog = maxBacklog;
    this.backlogLimitSamples = Math.round(maxBacklog.toMillis() * TIMELINE_RATE / 1000);
    this.acceptedFrames = acceptedFrames;
  }

  /**
   * @param chunkFrames the chunk's frames in the client's format
   * @param backlogSamples the session's audio waiting for the recognizer (timeline samples)
   * @param timeline where the chunk would begin on the timeline
   */
  Admission admit(long chunkFrames, int sampleRate, long backlogSamples, long timeline) {
    if (backlogSamples >= backlogLimitSamples) {
      if (refusedFrom < 0) {
        refusedFrom = timeline;
      }
      refusedChunks++;
      return new Admission(0, false, true);
    }
    long allowed = maxAudio.toMillis() * sampleRate / 1000 - acceptedFrames;
    long accept = Math.max(0, Math.min(chunkFrames, allowed));
    acceptedFrames += accept;
    return new Admission(accept, chunkFrames >= allowed, false);
  }

  /** Audio frames accepted so far (in the client's format), for the checkpoint. */
  long acceptedFrames() {
    return acceptedFrames;
  }

  /** The run of chunks refused for the backlog, if one just ended at {@code timeline}. */
  Optional<String> endRefusedRun(long timeline) {
    if (refusedFrom < 0) {
      return Optional.empty();
    }
    String message =
        refusedStretch(refusedFrom, timeline, refusedChunks)
            + String.format(
                Locale.ROOT,
                ": %.0f s of this session's audio was waiting for the recognizer"
                    + " (STT_SESSION_BACKLOG_SECONDS); send less audio or use a replica with"
                    + " capacity",
                maxBacklog.toMillis() / 1000.0);
    refusedFrom = -1;
    refusedChunks = 0;
    return Optional.of(message);
  }

  /** The error naming audio that a NATS outage kept from arriving (see {@link InputGaps}). */
  static String lostInOutage(long fromSample, long toSample) {
    return String.format(
        Locale.ROOT,
        "audio %.2f-%.2f s did not arrive (the input stream stored none of it while NATS or the"
            + " stream's leader was unavailable; the chunks' timestamps show the gap);"
            + " transcription continues with later audio, at its place in the timeline",
        fromSample / TIMELINE_RATE,
        toSample / TIMELINE_RATE);
  }

  /** Chunks that found the session's mailbox full, from {@code from} to {@code to}. */
  static String mailboxRefused(long from, long to, int chunks) {
    return refusedStretch(from, to, chunks)
        + ": the session's mailbox was full; send audio no faster than real time";
  }

  /** A chunk whose length is not a whole number of frames of the session's format. */
  static String notWholeFrames(int bytes, int channels) {
    return "chunk has "
        + bytes
        + " bytes, not a whole number of "
        + channels
        + "-channel 16-bit frames";
  }

  /** The session's audio limit was reached after {@code acceptedFrames()}. */
  String audioLimitReached(int sampleRate) {
    return String.format(
        Locale.ROOT,
        "the session reached its limit of %.0f s of audio: audio after %.2f s was not accepted;"
            + " what came before is transcribed and the session ends",
        maxAudio.toMillis() / 1000.0,
        acceptedFrames / (double) sampleRate);
  }

  private static String refusedStretch(long from, long to, int chunks) {
    return String.format(
        Locale.ROOT,
        "audio %.2f-%.2f s (%d chunk%s) was not accepted",
        from / TIMELINE_RATE,
        to / TIMELINE_RATE,
        chunks,
        chunks == 1 ? "" : "s");
  }
}
