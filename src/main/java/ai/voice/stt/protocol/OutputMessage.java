package ai.voice.stt.protocol;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** One message of {@code ai.voice.transcription.{session_id}}. */
public sealed interface OutputMessage {
  String sessionId();

  /** A timed piece of a transcript, seconds relative to the session's audio. */
  record TimedText(String text, double start, double end) {}

  /**
   * A word with its times (seconds on the session's timeline) and confidence in [0, 1], for
   * sessions that asked ({@code word_timestamps}).
   */
  record TimedWord(String word, double start, double end, double confidence) {}

  /** A stretch of the session's timeline, in seconds. */
  record Span(double start, double end) {}

  /**
   * The words of a result (or interim) and its confidence (the mean probability of its tokens;
   * empty when it has no text), and for a result the span where the VAD heard speech in its audio
   * (empty when it heard none, and on interims).
   */
  record WordTiming(
      List<TimedWord> words, java.util.OptionalDouble confidence, Optional<Span> speech) {
    public WordTiming {
      words = List.copyOf(words);
    }

    /** Without a speech span. */
    public WordTiming(List<TimedWord> words, java.util.OptionalDouble confidence) {
      this(words, confidence, Optional.empty());
    }
  }

  /**
   * A transcription result. Results of a session cover disjoint, consecutive stretches of its
   * audio; the single last one has an {@code endReason} (the wire's {@code end_of_stream}). Built
   * only through the named factories, so the kind of a result is a word, not a pair of adjacent
   * booleans in a long positional list.
   */
  record Transcription(Header header, Heard heard, Kind kind, Optional<String> endReason)
      implements OutputMessage {

    /**
     * What a result is. {@code FINAL}: the utterance ended (end-pointing silence, chunk timeout or
     * the session's end); {@code BUFFER_CUT}: the utterance reached the buffer limit and was cut
     * there, committed, and goes on in the next result (the wire's {@code is_partial}: not an
     * interim hypothesis).
     */
    public enum Kind {
      FINAL,
      BUFFER_CUT
    }

    /**
     * Where a result stands: its session, place in the sequence and in the session's audio, and
     * (for sessions that asked for interim results) the utterance whose interims it replaces.
     */
    public record Header(
        String sessionId,
        long sequence,
        double timestamp,
        Optional<String> speakerId,
        SessionState state,
        double audioStart,
        double audioEnd,
        OptionalLong utteranceId) {

      /** A result of a session without interim results: no {@code utterance_id}. */
      public Header(
          String sessionId,
          long sequence,
          double timestamp,
          Optional<String> speakerId,
          SessionState state,
          double audioStart,
          double audioEnd) {
        this(
            sessionId,
            sequence,
            timestamp,
            speakerId,
            state,
            audioStart,
            audioEnd,
            OptionalLong.empty());
      }
    }

    /** What was heard in the covered audio. */
    public record Heard(
        String transcript,
        boolean hasVoiceActivity,
        Optional<String> language,
        double processingTime,
        double queueTime,
        List<TimedText> segments,
        Optional<WordTiming> wordTiming) {
      public Heard {
        segments = List.copyOf(segments);
      }

      /** For a session that did not ask for words. */
      public Heard(
          String transcript,
          boolean hasVoiceActivity,
          Optional<String> language,
          double processingTime,
          double queueTime,
          List<TimedText> segments) {
        this(
            transcript,
            hasVoiceActivity,
            language,
            processingTime,
            queueTime,
            segments,
            Optional.empty());
      }

      /** Nothing was recognised (no audio, or silence): an empty transcript. */
      public static Heard nothing(Optional<String> language) {
        return new Heard("", false, language, 0, 0, List.of());
      }
    }

    /** The utterance ended; its words are final. */
    public static Transcription utteranceFinal(Header header, Heard heard) {
      return new Transcription(header, heard, Kind.FINAL, Optional.empty());
    }

    /** The utterance reached the buffer limit: committed up to here, it goes on. */
    public static Transcription bufferCut(Header header, Heard heard) {
      return new Transcription(header, heard, Kind.BUFFER_CUT, Optional.empty());
    }

    /** The session's last result (its utterance, if any, ended with it), with why it ended. */
    public static Transcription endOfStream(Header header, Heard heard, String endReason) {
      return new Transcription(header, heard, Kind.FINAL, Optional.of(endReason));
    }

    @Override
    public String sessionId() {
      return header.sessionId();
    }

    public long sequence() {
      return header.sequence();
    }

    public double timestamp() {
      return header.timestamp();
    }

    public Optional<String> speakerId() {
      return header.speakerId();
    }

    public SessionState state() {
      return header.state();
    }

    public double audioStart() {
      return header.audioStart();
    }

    public double audioEnd() {
      return header.audioEnd();
    }

    public String transcript() {
      return heard.transcript();
    }

    public boolean hasVoiceActivity() {
      return heard.hasVoiceActivity();
    }

    public Optional<String> language() {
      return heard.language();
    }

    public double processingTime() {
      return heard.processingTime();
    }

    public double queueTime() {
      return heard.queueTime();
    }

    public List<TimedText> segments() {
      return heard.segments();
    }

    public boolean isPartial() {
      return kind == Kind.BUFFER_CUT;
    }

    public boolean isFinal() {
      return kind == Kind.FINAL;
    }

    public boolean endOfStream() {
      return endReason.isPresent();
    }
  }

  /**
   * An interim hypothesis of the utterance still being spoken (sessions that asked for them only).
   * It is replaced by the next interim of the same utterance and, in the end, by the final result
   * carrying the same {@code utteranceId}. Its {@code stable} prefix only ever grows: words once
   * stable are never revised by a later interim. It has no {@code sequence}: interims are not part
   * of the append-only stream of results.
   *
   * @param utteranceId the utterance's start on the session's timeline, in milliseconds
   * @param revision 0, 1, 2 … within the utterance
   * @param wordTiming the hypothesis's words with times and confidence, for sessions that asked
   */
  record Interim(
      String sessionId,
      long utteranceId,
      int revision,
      String stable,
      String unstable,
      double timestamp,
      Optional<String> speakerId,
      SessionState state,
      double audioStart,
      double audioEnd,
      Optional<WordTiming> wordTiming)
      implements OutputMessage {

    /** An interim of a session that did not ask for words. */
    public Interim(
        String sessionId,
        long utteranceId,
        int revision,
        String stable,
        String unstable,
        double timestamp,
        Optional<String> speakerId,
        SessionState state,
        double audioStart,
        double audioEnd) {
      this(
          sessionId,
          utteranceId,
          revision,
          stable,
          unstable,
          timestamp,
          speakerId,
          state,
          audioStart,
          audioEnd,
          Optional.empty());
    }

    /** The whole hypothesis: the stable prefix and the rest. */
    public String transcript() {
      return stable.isEmpty() || unstable.isEmpty() ? stable + unstable : stable + " " + unstable;
    }
  }

  /**
   * An end-of-turn event (sessions that asked with {@code turn_events} only; decisions/0026):
   * {@code end_of_turn} when a pause ended the user's turn, naming the last final it closes; {@code
   * resumed} when the user spoke again soon after an early end of turn (the assistant may cancel
   * what it started). No {@code sequence} of its own: events are not part of the append-only stream
   * of results.
   *
   * @param event {@code end_of_turn} or {@code resumed}
   * @param finalSequence the {@code sequence} of the final the turn ended with
   * @param probability the turn model's probability that the turn was complete, when it ran
   * @param early the turn ended before the silence rule (600 ms, 300 ms after a sentence) would
   */
  record Turn(
      String sessionId,
      String event,
      long finalSequence,
      java.util.OptionalDouble probability,
      boolean early,
      double timestamp,
      Optional<String> speakerId)
      implements OutputMessage {
    public static final String END_OF_TURN = "end_of_turn";
    public static final String RESUMED = "resumed";
  }

  /** The user started speaking while the assistant was responding. */
  record Interrupt(String sessionId, double timestamp, Optional<String> speakerId)
      implements OutputMessage {}

  /** A message could not be handled; other sessions are unaffected. */
  record Error(String sessionId, ErrorCode code, String message, double timestamp)
      implements OutputMessage {}
}
