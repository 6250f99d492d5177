package ai.voice.stt.session;

import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.recognizer.RecognitionException;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.telemetry.SttMetrics;
import ai.voice.stt.telemetry.UtteranceRecorder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A session's link to the shared recognizer: sends a segment's audio to the inference queue and
 * brings what comes back into the session's mailbox, where the session handles it like any other
 * message. It also says what an answer means for the client and for the utterance's trace.
 */
final class Recognition {
  private static final double SAMPLE_RATE = AudioNormalizer.TARGET_RATE;
  private static final InferenceScheduler.Outcome NOTHING_HEARD =
      new InferenceScheduler.Outcome(new Transcript("", List.of(), Optional.empty(), 0), 0);

  /**
   * What came back for one segment: the outcome or the failure (one of them is null), and when the
   * segment was sent ({@link System#nanoTime()}).
   */
  record Returned(InferenceScheduler.Outcome outcome, Throwable failure, long submittedNanos) {
    boolean failed() {
      return failure != null;
    }

    /** The failure itself, unwrapped from the future that carried it. */
    Throwable cause() {
      return failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause()
          : failure;
    }

    /** What a session's client hears for this failure. */
    ErrorCode errorCode() {
      if (!(cause() instanceof RecognitionException re)) {
        return ErrorCode.RECOGNIZER_ERROR;
      }
      return switch (re.kind()) {
        case BUSY -> ErrorCode.OVERLOADED;
        case FAILED -> ErrorCode.RECOGNIZER_ERROR;
        case UNAVAILABLE -> ErrorCode.RECOGNIZER_UNAVAILABLE;
        case INTERRUPTED, ABORTED -> ErrorCode.INTERNAL;
        case TIMED_OUT -> ErrorCode.RECOGNITION_TIMEOUT;
      };
    }

    /**
     * The client's error message: the audio this failure leaves untranscribed and why, in words
     * that are the same for every failure of a kind. What the recognizer said (a Whisper server's
     * address and answer, a library's exception) stays in the service's log.
     */
    String notTranscribed(Segment segment) {
      return String.format(
          Locale.ROOT,
          "audio %.2f-%.2f s was not transcribed: %s",
          segment.startSample() / SAMPLE_RATE,
          segment.endSample() / SAMPLE_RATE,
          reason());
    }

    private String reason() {
      if (cause() instanceof RecognitionException re
          && (re.kind() == RecognitionException.Kind.BUSY
              || re.kind() == RecognitionException.Kind.TIMED_OUT)) {
        return re.getMessage(); // written by the inference scheduler from our own settings
      }
      return switch (errorCode()) {
        case RECOGNIZER_UNAVAILABLE -> "the recognizer is unavailable";
        case INTERNAL -> "internal error";
        default -> "the recognizer failed";
      };
    }
  }

  /** How a recognition was sent: the label of {@code stt_decodes_aborted_total{kind}}. */
  enum Sent {
    FINAL,
    SPECULATIVE,
    INTERIM;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Why a recognition's answer became useless (docs/decisions/0031): the label of {@code
   * stt_decodes_aborted_total{reason}}.
   */
  enum Useless {
    /** Speech resumed during the pause a speculative recognition bet on. */
    SPEECH_RESUMED,
    /** The utterance ended with a final that the speculative recognition does not cover. */
    FINAL_DIFFERS,
    /** The utterance an interim hypothesis is about was cut (its final, or a part, was sent). */
    UTTERANCE_CUT,
    /**
     * An interim hypothesis is superseded by the speculative recognition of its whole utterance,
     * which started: its answer would say less, and later.
     */
    SUPERSEDED,
    /** The session ended here: its last result is out. */
    SESSION_ENDED,
    /** The session was handed over to another replica. */
    HANDED_OVER,
    /** This replica no longer holds the session (another took it, or the session failed). */
    SESSION_LOST;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A recognition in flight: how it was sent, and the scheduler's future that aborts it. */
  private record InFlight(Sent sent, CompletableFuture<InferenceScheduler.Outcome> job) {}

  private final InferenceScheduler inference;
  private final Mailbox mailbox;
  private final SttMetrics metrics;
  private final boolean abortUseless;
  // This session's recognitions that have not come back, by the answer the session holds.
  private final Map<CompletableFuture<Returned>, InFlight> inFlight = new ConcurrentHashMap<>();

  Recognition(InferenceScheduler inference, Mailbox mailbox) {
    this(inference, mailbox, SttMetrics.noop(), true);
  }

  /**
   * @param abortUseless whether {@link #abandon} stops a recognition ({@code
   *     STT_ABORT_USELESS_DECODES}); when false the recognition runs to its end as before
   */
  Recognition(
      InferenceScheduler inference, Mailbox mailbox, SttMetrics metrics, boolean abortUseless) {
    this.inference = inference;
    this.mailbox = mailbox;
    this.metrics = metrics;
    this.abortUseless = abortUseless;
  }

  /**
   * Sends {@code segment} to the recognizer. A segment without voice is answered at once with an
   * empty transcript: whisper would invent words for silence (the end of an utterance cut by the
   * buffer limit can be pure silence). The future never completes exceptionally.
   */
  CompletableFuture<Returned> send(Segment segment, Hints hints) {
    return submit(segment, hints, Sent.FINAL, (s, h) -> Optional.of(inference.submit(s, h)))
        .orElseThrow();
  }

  /**
   * Sends {@code segment} only if a worker is free and nothing waits for one: for recognitions that
   * may turn out unneeded (speculative finals), which must never delay real work.
   *
   * @return empty when no worker is free
   */
  Optional<CompletableFuture<Returned>> sendIfIdle(Segment segment, Hints hints) {
    return submit(segment, hints, Sent.SPECULATIVE, inference::submitIfIdle);
  }

  /**
   * Sends {@code segment} as background work (an interim hypothesis): only while the recognizer is
   * otherwise idle, and without borrowing idle cores.
   *
   * @return empty when the workers are too busy
   */
  Optional<CompletableFuture<Returned>> sendInBackground(Segment segment, Hints hints) {
    return submit(segment, hints, Sent.INTERIM, inference::submitInBackground);
  }

  /** One way of queueing audio: the future of its outcome, or empty when it was not queued. */
  private interface Queue {
    Optional<CompletableFuture<InferenceScheduler.Outcome>> offer(float[] samples, Hints hints);
  }

  private Optional<CompletableFuture<Returned>> submit(
      Segment segment, Hints hints, Sent sent, Queue queue) {
    if (!segment.hasVoice()) {
      return Optional.of(
          CompletableFuture.completedFuture(new Returned(NOTHING_HEARD, null, System.nanoTime())));
    }
    float[] samples = RecognizerInput.of(segment);
    long submitted = System.nanoTime();
    return queue
        .offer(samples, hints)
        .map(
            job -> {
              CompletableFuture<Returned> answer =
                  job.handle((outcome, failure) -> new Returned(outcome, failure, submitted));
              inFlight.put(answer, new InFlight(sent, job));
              answer.whenComplete((back, failure) -> inFlight.remove(answer));
              return answer;
            });
  }

  /**
   * {@code answer} became useless: its recognition is aborted (taken off the queue, or stopped in
   * the recognizer) and counted, unless it already came back or aborting is off. An aborted answer
   * still comes back, as a failure the session drops like any other useless answer.
   */
  void abandon(CompletableFuture<Returned> answer, Useless why) {
    InFlight running = inFlight.get(answer);
    if (running != null && inference.abandon(running.job(), abortUseless)) {
      metrics.decodeAborted(running.sent().label(), why.label());
    }
  }

  /**
   * The session stops: none of its answers will be published, so every recognition still in flight
   * (a final's too) is abandoned.
   */
  void abandonAll(Useless why) {
    for (CompletableFuture<Returned> answer : List.copyOf(inFlight.keySet())) {
      abandon(answer, why);
    }
  }

  /** Hands the answer to {@code then} as a task of the session's mailbox. */
  void whenBack(CompletableFuture<Returned> answer, Consumer<Returned> then) {
    answer.thenAccept(back -> mailbox.post(() -> then.accept(back)));
  }

  /** Hands any other early answer (the turn model's) to {@code then} as a mailbox task. */
  <T> void whenDone(CompletableFuture<T> answer, Consumer<T> then) {
    answer.thenAccept(value -> mailbox.post(() -> then.accept(value)));
  }

  /** True when the recognizer has a free worker and nothing waits: the CPU is not needed. */
  boolean idle() {
    return inference.idleWorker();
  }

  /** The trace record of one segment's trip through the recognizer. */
  static UtteranceRecorder.Utterance trace(
      String sessionId,
      Optional<String> speakerId,
      ResultSequencer.Pending pending,
      Returned back) {
    Segment segment = pending.segment();
    InferenceScheduler.Outcome outcome = back.failed() ? null : back.outcome();
    return new UtteranceRecorder.Utterance(
        sessionId,
        speakerId,
        segment.samples().length / SAMPLE_RATE,
        segment.isFinal(),
        pending.cutNanos(),
        back.submittedNanos(),
        outcome == null ? 0 : outcome.queueSeconds(),
        outcome == null ? 0 : outcome.transcript().processingSeconds(),
        segment.hasVoice() && outcome != null);
  }
}
