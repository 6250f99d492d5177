package ai.voice.stt.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The service's instruments. Thread-safe: any thread may record. Names follow OpenTelemetry's
 * conventions; on {@code /metrics} they appear as {@code stt_final_latency_seconds} and so on.
 */
public final class SttMetrics {
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  // Seconds: from a fast final on a GPU to a long utterance queued behind others on a CPU.
  private static final List<Double> LATENCY_BUCKETS =
      List.of(0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0);
  // Below 1 the recognizer keeps up with speech; the interesting range is 0.01 – 2.
  private static final List<Double> RTF_BUCKETS =
      List.of(0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 5.0);

  private final Meter meter;
  private final DoubleHistogram finalLatency;
  private final DoubleHistogram inferenceDuration;
  private final DoubleHistogram realtimeFactor;
  private final LongCounter interrupts;
  private final DoubleCounter audioInput;
  private final LongCounter interims;
  private final LongCounter speculative;
  private final LongCounter refusedDropped;
  private final LongCounter decodesAborted;
  private final LongCounter unopenedDropped;
  private static final AttributeKey<String> WHY = AttributeKey.stringKey("why");
  private static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

  SttMetrics(Meter meter) {
    this.meter = meter;
    this.finalLatency =
        meter
            .histogramBuilder("stt.final_latency")
            .setUnit("s")
            .setDescription(
                "end of an utterance's audio (segment cut) to its final result published")
            .setExplicitBucketBoundariesAdvice(LATENCY_BUCKETS)
            .build();
    this.inferenceDuration =
        meter
            .histogramBuilder("stt.inference.duration")
            .setUnit("s")
            .setDescription("time the recognizer took for one segment")
            .setExplicitBucketBoundariesAdvice(LATENCY_BUCKETS)
            .build();
    this.realtimeFactor =
        meter
            .histogramBuilder("stt.realtime_factor")
            .setUnit("")
            .setDescription("inference time divided by the segment's audio duration")
            .setExplicitBucketBoundariesAdvice(RTF_BUCKETS)
            .build();
    this.interrupts =
        meter
            .counterBuilder("stt.interrupts")
            .setUnit("{interrupt}")
            .setDescription("barge-ins detected while responding")
            .build();
    interrupts.add(0); // present from the start, like the error codes below
    this.audioInput =
        meter
            .counterBuilder("stt.audio.input")
            .ofDoubles()
            .setUnit("s")
            .setDescription("audio accepted from clients")
            .build();
    this.interims =
        meter
            .counterBuilder("stt.interims")
            .setUnit("{result}")
            .setDescription("interim results published (sessions that asked for them)")
            .build();
    interims.add(0);
    this.speculative =
        meter
            .counterBuilder("stt.speculative")
            .setUnit("{recognition}")
            .setDescription(
                "recognitions of an utterance started before its end-point was confirmed: used"
                    + " (published as its final) or wasted (speech resumed, or it failed)")
            .build();
    speculative.add(0, Attributes.of(OUTCOME, "used"));
    speculative.add(0, Attributes.of(OUTCOME, "wasted"));
    this.refusedDropped =
        meter
            .counterBuilder("stt.refused_messages.dropped")
            .setUnit("{message}")
            .setDescription(
                "messages of a refused session dropped without an answer (its refusal was"
                    + " answered once; a start is a new attempt)")
            .build();
    refusedDropped.add(0);
    this.decodesAborted =
        meter
            .counterBuilder("stt.decodes.aborted")
            .setUnit("{recognition}")
            .setDescription(
                "recognitions stopped because their answer became useless (decisions/0031), by"
                    + " kind (final, speculative, interim: how it was sent) and reason"
                    + " (speech_resumed, final_differs, utterance_cut, superseded, session_ended,"
                    + " handed_over, session_lost)")
            .build();
    decodesAborted.add(0, Attributes.of(KIND, "speculative", REASON, "speech_resumed"));
    decodesAborted.add(0, Attributes.of(KIND, "interim", REASON, "utterance_cut"));
    decodesAborted.add(0, Attributes.of(KIND, "interim", REASON, "superseded"));
    this.unopenedDropped =
        meter
            .counterBuilder("stt.unopened_messages.dropped")
            .setUnit("{message}")
            .setDescription(
                "messages for a session id with no session that opened nothing and were dropped"
                    + " without an answer (the first one was answered): why = ended (the session"
                    + " ended a moment ago) or start_rejected (its start was rejected)")
            .build();
    unopenedDropped.add(0, Attributes.of(WHY, "ended"));
    unopenedDropped.add(0, Attributes.of(WHY, "start_rejected"));
  }

  /** Instruments that record nothing, for code run without a service (tools, benchmarks). */
  public static SttMetrics noop() {
    return new SttMetrics(MeterProvider.noop().get(Telemetry.INSTRUMENTATION_SCOPE));
  }

  /**
   * Reports the current sessions and queue depth whenever metrics are collected. The gauges live as
   * long as the telemetry.
   */
  public void observe(
      IntSupplier activeSessions,
      IntSupplier inferenceQueueDepth,
      ai.voice.stt.session.Backlog backlog) {
    meter
        .gaugeBuilder("stt.sessions.active")
        .ofLongs()
        .setUnit("{session}")
        .setDescription("open sessions")
        .buildWithCallback(m -> m.record(activeSessions.getAsInt()));
    meter
        .gaugeBuilder("stt.inference.queue_depth")
        .ofLongs()
        .setUnit("{segment}")
        .setDescription("recognitions waiting for a worker")
        .buildWithCallback(m -> m.record(inferenceQueueDepth.getAsInt()));
    meter
        .gaugeBuilder("stt.backlog.utterances")
        .ofLongs()
        .setUnit("{segment}")
        .setDescription(
            "utterances held in sessions behind their one in the inference queue (with the"
                + " queue depth, the admission signal)")
        .buildWithCallback(m -> m.record(backlog.waitingUtterances()));
    meter
        .gaugeBuilder("stt.backlog.audio")
        .setUnit("s")
        .setDescription("seconds of audio waiting for or at the recognizer in every session")
        .buildWithCallback(m -> m.record(backlog.seconds()));
  }

  public void finalLatency(double seconds) {
    finalLatency.record(seconds);
  }

  /** One recognition of {@code audioSeconds} of audio that took {@code inferenceSeconds}. */
  public void inference(double inferenceSeconds, double audioSeconds) {
    inferenceDuration.record(inferenceSeconds);
    if (audioSeconds > 0) {
      realtimeFactor.record(inferenceSeconds / audioSeconds);
    }
  }

  public void interrupt() {
    interrupts.add(1);
  }

  public void audioInput(double seconds) {
    audioInput.add(seconds);
  }

  public void interim() {
    interims.add(1);
  }

  /** A speculative recognition ended: its result became the final, or it was thrown away. */
  public void speculative(boolean used) {
    speculative.add(1, Attributes.of(OUTCOME, used ? "used" : "wasted"));
  }

  /** A recognition sent as {@code kind} was aborted, its answer useless for {@code reason}. */
  public void decodeAborted(String kind, String reason) {
    decodesAborted.add(1, Attributes.of(KIND, kind, REASON, reason));
  }

  /** A message of a refused session was dropped quietly. */
  public void refusedMessageDropped() {
    refusedDropped.add(1);
  }

  /**
   * A message for an id with no session was dropped quietly: {@code why} is {@code ended} or {@code
   * start_rejected}.
   */
  public void unopenedMessageDropped(String why) {
    unopenedDropped.add(1, Attributes.of(WHY, why));
  }
}
