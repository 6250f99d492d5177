package ai.voice.stt.session;

import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.recognizer.Words;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What one session says on {@code ai.voice.transcription.{id}}: its results, interrupts and errors,
 * built from the stages' answers (the result's slot, the recognizer's outcome, the session's
 * settings and state) and handed to the output. It decides the wording and shape of each message,
 * nothing about when one is due.
 */
final class SessionOutput {
  private static final double SAMPLE_RATE = AudioNormalizer.TARGET_RATE;

  /** How a committed output leaves (see {@link SessionProgress#publish}). */
  @FunctionalInterface
  interface Committed {
    /**
     * @return false when this replica no longer speaks for the session (nothing was published)
     */
    boolean publish(OutputMessage message, long output);
  }

  private final String sessionId;
  private final OutputPublisher publisher;
  private final boolean interimByDefault;
  private final Committed committed;

  /**
   * @param interimByDefault whether a session that does not say asked for interim results
   */
  SessionOutput(String sessionId, OutputPublisher publisher, boolean interimByDefault) {
    this(
        sessionId,
        publisher,
        interimByDefault,
        (message, output) -> {
          publisher.publish(message, output);
          return true;
        });
  }

  /**
   * @param committed how results and interrupts leave: once, confirmed, with several replicas
   */
  SessionOutput(
      String sessionId, OutputPublisher publisher, boolean interimByDefault, Committed committed) {
    this.sessionId = sessionId;
    this.publisher = publisher;
    this.interimByDefault = interimByDefault;
    this.committed = committed;
  }

  /** The session asked for interim results (its results then name their utterance). */
  boolean interimResults(StreamMessage.Start settings) {
    return settings.interimResults().orElse(interimByDefault);
  }

  /** The utterance id of a segment starting at {@code startSample}: its start in milliseconds. */
  static long utteranceId(long startSample) {
    return Math.round(startSample * 1000 / SAMPLE_RATE);
  }

  /**
   * The result of a recognised segment: a buffer cut, the final of its utterance, or (with an end
   * reason) the session's last result. {@code output} is its committed output number (0 when
   * nothing is recorded), as for {@link #lastEmpty} and {@link #interrupt}; each returns false when
   * this replica no longer speaks for the session (and published nothing).
   */
  boolean result(
      ResultSequencer.Slot slot,
      Segment segment,
      InferenceScheduler.Outcome outcome,
      StreamMessage.Start settings,
      SessionState state,
      String endReasonOrNull,
      long output) {
    Transcript transcript = outcome.transcript();
    double offset = segment.startSample() / SAMPLE_RATE;
    List<OutputMessage.TimedText> segments =
        transcript.segments().stream()
            .map(s -> new OutputMessage.TimedText(s.text(), s.start() + offset, s.end() + offset))
            .toList();
    OutputMessage.Transcription.Header header =
        header(
            slot,
            settings,
            state,
            interimResults(settings)
                ? OptionalLong.of(utteranceId(segment.startSample()))
                : OptionalLong.empty());
    OutputMessage.Transcription.Heard heard =
        new OutputMessage.Transcription.Heard(
            transcript.text(),
            segment.hasVoice(),
            transcript.language().or(settings::language),
            transcript.processingSeconds(),
            outcome.queueSeconds(),
            segments,
            settings.wordTimestamps()
                ? Optional.of(wordTiming(transcript, offset, segment))
                : Optional.empty());
    return committed.publish(
        endReasonOrNull != null
            ? OutputMessage.Transcription.endOfStream(header, heard, endReasonOrNull)
            : segment.isFinal()
                ? OutputMessage.Transcription.utteranceFinal(header, heard)
                : OutputMessage.Transcription.bufferCut(header, heard),
        output);
  }

  /**
   * A result's words moved onto the session's timeline and kept where the VADs heard voice in its
   * segment (decisions/0032), with the span where the VAD heard its speech.
   */
  static OutputMessage.WordTiming wordTiming(
      Transcript transcript, double offset, Segment segment) {
    Optional<OutputMessage.Span> speech = speechSpan(segment);
    List<Transcript.Word> words =
        speech.isEmpty()
            ? transcript.words()
            : Words.keptWithin(
                transcript.words(),
                segment.speechStartSample() / SAMPLE_RATE - offset,
                segment.voiceEndSample() / SAMPLE_RATE - offset);
    return wordTiming(words, transcript, offset, speech);
  }

  /** An interim's words moved onto the session's timeline. */
  static OutputMessage.WordTiming wordTiming(Transcript transcript, double offset) {
    return wordTiming(transcript.words(), transcript, offset, Optional.empty());
  }

  private static OutputMessage.WordTiming wordTiming(
      List<Transcript.Word> words,
      Transcript transcript,
      double offset,
      Optional<OutputMessage.Span> speech) {
    return new OutputMessage.WordTiming(
        words.stream()
            .map(
                w ->
                    new OutputMessage.TimedWord(
                        w.text(), w.start() + offset, w.end() + offset, w.confidence()))
            .toList(),
        transcript.text().isEmpty() ? OptionalDouble.empty() : transcript.confidence(),
        speech);
  }

  /** Where the VAD heard speech in a segment it took for speech, in seconds. */
  static Optional<OutputMessage.Span> speechSpan(Segment segment) {
    return segment.hasVoice() && segment.speechEndSample() > segment.speechStartSample()
        ? Optional.of(
            new OutputMessage.Span(
                segment.speechStartSample() / SAMPLE_RATE, segment.speechEndSample() / SAMPLE_RATE))
        : Optional.empty();
  }

  /** The session's last result when nothing was left to recognise: an empty transcript. */
  boolean lastEmpty(
      ResultSequencer.Slot slot,
      StreamMessage.Start settings,
      SessionState state,
      String reason,
      long output) {
    return committed.publish(
        OutputMessage.Transcription.endOfStream(
            header(slot, settings, state, OptionalLong.empty()),
            OutputMessage.Transcription.Heard.nothing(settings.language()),
            reason),
        output);
  }

  /**
   * An interim hypothesis of the open utterance, which covers its audio up to {@code end}; {@code
   * heard} is what the recognizer said of that audio (its words, for sessions that asked).
   */
  void interim(
      InterimHypotheses.Update update,
      long end,
      Transcript heard,
      StreamMessage.Start settings,
      SessionState state) {
    double start = update.utteranceStart() / SAMPLE_RATE;
    publisher.publish(
        new OutputMessage.Interim(
            sessionId,
            utteranceId(update.utteranceStart()),
            update.revision(),
            update.stable(),
            update.unstable(),
            now(),
            settings.speakerId(),
            state,
            start,
            end / SAMPLE_RATE,
            settings.wordTimestamps() ? Optional.of(wordTiming(heard, start)) : Optional.empty()));
  }

  /** An end-of-turn event ({@code end_of_turn} or {@code resumed}) naming a final's sequence. */
  void turn(
      String event,
      long finalSequence,
      java.util.OptionalDouble completeness,
      boolean early,
      StreamMessage.Start settings) {
    publisher.publish(
        new OutputMessage.Turn(
            sessionId, event, finalSequence, completeness, early, now(), settings.speakerId()));
  }

  boolean interrupt(StreamMessage.Start settings, long output) {
    return committed.publish(
        new OutputMessage.Interrupt(sessionId, now(), settings.speakerId()), output);
  }

  void error(ErrorCode code, String message) {
    publisher.publish(new OutputMessage.Error(sessionId, code, message, now()));
  }

  private OutputMessage.Transcription.Header header(
      ResultSequencer.Slot slot,
      StreamMessage.Start settings,
      SessionState state,
      OptionalLong utteranceId) {
    return new OutputMessage.Transcription.Header(
        sessionId,
        slot.sequence(),
        now(),
        settings.speakerId(),
        state,
        slot.start() / SAMPLE_RATE,
        slot.end() / SAMPLE_RATE,
        utteranceId);
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }
}
