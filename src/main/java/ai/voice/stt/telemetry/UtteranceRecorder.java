package ai.voice.stt.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One trace per utterance: a root span {@code utterance} with children {@code queue}, {@code
 * recognize} and {@code publish}, plus the per-utterance metrics.
 *
 * <p>Recognition runs on another thread and the session learns its timings only when the result
 * comes back, so the spans are recorded afterwards with explicit timestamps instead of being kept
 * open across threads. The {@code publish} span is live: logs written while publishing carry its
 * trace id.
 */
public final class UtteranceRecorder {
  static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("stt.session_id");
  static final AttributeKey<String> SPEAKER_ID = AttributeKey.stringKey("stt.speaker_id");
  static final AttributeKey<Double> AUDIO_SECONDS = AttributeKey.doubleKey("stt.audio_seconds");
  static final AttributeKey<Boolean> IS_FINAL = AttributeKey.booleanKey("stt.is_final");
  static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("stt.error_code");
  static final AttributeKey<Boolean> SPECULATIVE = AttributeKey.booleanKey("stt.speculative");

  private final Tracer tracer;
  private final SttMetrics metrics;
  private final Clock clock;
  private final UserData userData;

  /**
   * @param userData whether speaker ids go on the spans (and transcripts into the sessions' logs)
   */
  public UtteranceRecorder(Tracer tracer, SttMetrics metrics, UserData userData) {
    this(tracer, metrics, Clock.systemUTC(), userData);
  }

  /** Records nothing, for sessions run without a service (tests, tools). */
  public static UtteranceRecorder noop() {
    return new UtteranceRecorder(
        io.opentelemetry.api.OpenTelemetry.noop().getTracer(Telemetry.INSTRUMENTATION_SCOPE),
        SttMetrics.noop(),
        UserData.SHOWN);
  }

  UtteranceRecorder(Tracer tracer, SttMetrics metrics, Clock clock, UserData userData) {
    this.tracer = tracer;
    this.metrics = metrics;
    this.clock = clock;
    this.userData = userData;
  }

  public SttMetrics metrics() {
    return metrics;
  }

  /** What of the user's data the session's spans and logs may show. */
  public UserData userData() {
    return userData;
  }

  /**
   * What happened to one segment before its result was ready; times are {@link System#nanoTime()}.
   *
   * @param cutNanos when the segmenter closed the segment (the end of its audio arrived)
   * @param submittedNanos when it went to the inference queue (before {@code cutNanos} when it was
   *     recognised speculatively, before the end-point confirmed the cut)
   * @param queueSeconds time it waited there for a worker
   * @param inferenceSeconds time the recognizer took; 0 when it was not needed (no voice)
   * @param recognized false when no recognition ran (a stretch without voice)
   */
  public record Utterance(
      String sessionId,
      Optional<String> speakerId,
      double audioSeconds,
      boolean isFinal,
      long cutNanos,
      long submittedNanos,
      double queueSeconds,
      double inferenceSeconds,
      boolean recognized) {}

  /**
   * Opens the utterance's trace as its result is about to be published: the spans of its wait and
   * recognition (already over), and a current {@code publish} span around the caller's own work,
   * which the caller ends, as in the OpenTelemetry examples:
   *
   * <pre>{@code
   * UtteranceRecorder.Publishing trace = recorder.publishing(u);
   * try {
   *   publish(result);
   * } finally {
   *   trace.end();
   * }
   * }</pre>
   */
  public Publishing publishing(Utterance u) {
    EpochClock epoch = new EpochClock(clock);
    // A speculative recognition was sent before the end-point confirmed the cut: the trace starts
    // where the work did.
    long began = Math.min(u.cutNanos(), u.submittedNanos());
    Span root = start("utterance", u, Context.root(), epoch.at(began));
    root.setAttribute(SPECULATIVE, u.submittedNanos() < u.cutNanos());
    Context parent = Context.root().with(root);
    long workStart = u.submittedNanos() + seconds(u.queueSeconds());
    end(start("queue", u, parent, epoch.at(began)), epoch.at(workStart));
    if (u.recognized()) {
      long workEnd = workStart + seconds(u.inferenceSeconds());
      end(start("recognize", u, parent, epoch.at(workStart)), epoch.at(workEnd));
      metrics.inference(u.inferenceSeconds(), u.audioSeconds());
    }
    Span span = start("publish", u, parent, epoch.at(System.nanoTime()));
    if (u.isFinal()) {
      // Recorded as the result goes out (a publish only queues it in the NATS client), so a
      // scrape made after a client has the result always counts it.
      metrics.finalLatency((System.nanoTime() - u.cutNanos()) / 1e9);
    }
    return new Publishing(root, span, span.makeCurrent());
  }

  /** An utterance's trace while its result is being published; {@link #end} closes it. */
  public static final class Publishing {
    private final Span root;
    private final Span span;
    private final Scope scope;

    private Publishing(Span root, Span span, Scope scope) {
      this.root = root;
      this.span = span;
      this.scope = scope;
    }

    /** The result is out (or failed to go out): ends the spans. */
    public void end() {
      scope.close();
      span.end();
      root.end();
    }
  }

  /** A segment that could not be transcribed: its trace ends in an error. */
  public void failed(Utterance u, String errorCode, Throwable cause) {
    EpochClock epoch = new EpochClock(clock);
    Span root = start("utterance", u, Context.root(), epoch.at(u.cutNanos()));
    root.setAttribute(ERROR_CODE, errorCode);
    root.recordException(cause);
    root.setStatus(StatusCode.ERROR, errorCode);
    root.end();
  }

  private Span start(String name, Utterance u, Context parent, Instant at) {
    SpanBuilder builder =
        tracer
            .spanBuilder(name)
            .setParent(parent)
            .setStartTimestamp(at)
            .setAttribute(SESSION_ID, u.sessionId())
            .setAttribute(AUDIO_SECONDS, u.audioSeconds())
            .setAttribute(IS_FINAL, u.isFinal());
    userData.speakerId(u.speakerId()).ifPresent(id -> builder.setAttribute(SPEAKER_ID, id));
    return builder.startSpan();
  }

  private static void end(Span span, Instant at) {
    span.end(at);
  }

  private static long seconds(double seconds) {
    return Math.round(seconds * 1e9);
  }

  /** Maps {@link System#nanoTime()} readings to wall-clock instants, as of its creation. */
  private record EpochClock(long epochNanos, long monotonicNanos) {
    EpochClock(Clock clock) {
      this(epochNanosOf(clock.instant()), System.nanoTime());
    }

    Instant at(long nanoTime) {
      long epoch = epochNanos + (nanoTime - monotonicNanos);
      return Instant.ofEpochSecond(0, epoch);
    }

    private static long epochNanosOf(Instant instant) {
      return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    }
  }
}
