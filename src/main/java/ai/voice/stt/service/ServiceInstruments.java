package ai.voice.stt.service;

import ai.voice.stt.cluster.RoutingCounts;
import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.recognizer.InferenceScheduler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The service's own counters as OpenTelemetry observable instruments: {@link ServiceStats} counts
 * (once), and these read it whenever {@code /metrics} is scraped or OTLP exports. On {@code
 * /metrics} they appear under their Prometheus names ({@code stt.results} → {@code
 * stt_results_total}, {@code stt.nats.disconnected} in seconds → {@code
 * stt_nats_disconnected_seconds_total}).
 */
final class ServiceInstruments {
  private static final AttributeKey<String> CODE = AttributeKey.stringKey("code");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

  private ServiceInstruments() {}

  /**
   * @param natsConnected whether the NATS connection is up now
   * @param inputDropped input messages the NATS client dropped before the service read them (its
   *     pending limit was full: a slow consumer), which no client is told about
   */
  static void register(
      Meter meter, ServiceStats stats, BooleanSupplier natsConnected, LongSupplier inputDropped) {
    meter
        .gaugeBuilder("stt.nats.connected")
        .ofLongs()
        .setDescription("1 when the NATS connection is up")
        .buildWithCallback(m -> m.record(natsConnected.getAsBoolean() ? 1 : 0));
    meter
        .counterBuilder("stt.input.dropped")
        .setUnit("{message}")
        .setDescription(
            "input messages dropped by the NATS client before the service read them (slow"
                + " consumer)")
        .buildWithCallback(m -> m.record(inputDropped.getAsLong()));
    meter
        .counterBuilder("stt.nats.disconnects")
        .setUnit("{disconnect}")
        .setDescription("NATS connection losses")
        .buildWithCallback(m -> m.record(stats.natsDisconnects()));
    meter
        .counterBuilder("stt.nats.reconnects")
        .setUnit("{reconnect}")
        .setDescription("NATS reconnections after a loss")
        .buildWithCallback(m -> m.record(stats.natsReconnects()));
    meter
        .counterBuilder("stt.nats.disconnected")
        .ofDoubles()
        .setUnit("s")
        .setDescription("time spent without a NATS connection, including an outage in progress")
        .buildWithCallback(
            m -> m.record(stats.natsDisconnectedTotal(System.nanoTime()).toNanos() / 1e9));
    meter
        .gaugeBuilder("stt.nats.last_outage")
        .setUnit("s")
        .setDescription("length of the most recent NATS outage that has ended")
        .buildWithCallback(m -> m.record(stats.natsLastOutage().toNanos() / 1e9));
    meter
        .counterBuilder("stt.results")
        .setUnit("{result}")
        .setDescription("transcription results published")
        .buildWithCallback(m -> m.record(stats.resultsPublished()));
    meter
        .counterBuilder("stt.publish.failures")
        .setUnit("{message}")
        .setDescription(
            "output messages NATS refused (outgoing queue or reconnect buffer full); the first and"
                + " every 1,000th are logged")
        .buildWithCallback(m -> m.record(stats.publishFailures()));
    meter
        .counterBuilder("stt.sessions.ended")
        .setUnit("{session}")
        .setDescription("sessions ended, by end_reason")
        .buildWithCallback(
            m ->
                stats
                    .sessionsEnded()
                    .forEach((reason, n) -> m.record(n, Attributes.of(REASON, reason))));
    Map<ErrorCode, Attributes> byCode = new EnumMap<>(ErrorCode.class);
    for (ErrorCode code : ErrorCode.values()) {
      byCode.put(code, Attributes.of(CODE, code.wireName()));
    }
    meter
        .counterBuilder("stt.errors")
        .setUnit("{error}")
        .setDescription("error messages published, by code")
        // Every code is present from the start, so a rate() over it is defined before the first.
        .buildWithCallback(m -> byCode.forEach((code, a) -> m.record(stats.errors(code), a)));
  }

  /**
   * {@code stt_recognizer_stuck_workers}: recognizer workers abandoned at a recognition deadline
   * whose call has not returned; at the worker count the pod reports unready.
   */
  static void registerStuckWorkers(Meter meter, IntSupplier stuckWorkers) {
    meter
        .gaugeBuilder("stt.recognizer.stuck_workers")
        .ofLongs()
        .setDescription(
            "recognizer workers abandoned at a recognition deadline whose call has not returned")
        .buildWithCallback(m -> m.record(stuckWorkers.getAsInt()));
  }

  /**
   * {@code stt_inference_workers} and {@code stt_inference_busy_workers}: the recognizer calls run
   * at once and how many run now. Their ratio is the busy fraction, an autoscaling signal for the
   * HTTP recognizer, whose pod's CPU stays low while its concurrency saturates (decisions/0022).
   */
  static void registerWorkers(Meter meter, IntSupplier workers, IntSupplier busyWorkers) {
    meter
        .gaugeBuilder("stt.inference.workers")
        .ofLongs()
        .setDescription("recognizer calls run at once at most (workers, or HTTP concurrency)")
        .buildWithCallback(m -> m.record(workers.getAsInt()));
    meter
        .gaugeBuilder("stt.inference.busy_workers")
        .ofLongs()
        .setDescription("recognizer workers with a recognition now")
        .buildWithCallback(m -> m.record(busyWorkers.getAsInt()));
  }

  /**
   * What aborting useless recognitions saved (decisions/0031): {@code
   * stt_inference_aborted_total{state}} (cancelled while queued, or stopped while running), {@code
   * stt_decodes_aborted_cpu_saved_seconds_total} (the expected CPU of a full decode of each aborted
   * one's audio, learned from the completed decodes' measured CPU, less what it had spent) and
   * {@code stt_decodes_aborted_cpu_spent_seconds_total} (what the aborted ones had spent); and, the
   * same whether aborting is on or off, {@code stt_decodes_cpu_seconds_total} (every recognition's
   * measured CPU) and {@code stt_decodes_useless_cpu_seconds_total} (the part spent by recognitions
   * whose answer became useless while they were queued or running). The sessions count why, in
   * {@code stt_decodes_aborted_total{kind,reason}}.
   */
  static void registerAborts(Meter meter, InferenceScheduler inference) {
    AttributeKey<String> state = AttributeKey.stringKey("state");
    meter
        .counterBuilder("stt.inference.aborted")
        .setUnit("{recognition}")
        .setDescription(
            "recognitions aborted by their caller: state = queued (never ran) or running (stopped)")
        .buildWithCallback(
            m -> {
              m.record(inference.abortedQueued(), Attributes.of(state, "queued"));
              m.record(inference.abortedRunning(), Attributes.of(state, "running"));
            });
    meter
        .counterBuilder("stt.decodes.aborted.cpu_saved")
        .ofDoubles()
        .setUnit("s")
        .setDescription(
            "CPU that aborted recognitions did not spend: expected CPU of a full decode of their"
                + " audio (from completed decodes) less what they had spent; 0 for HTTP")
        .buildWithCallback(m -> m.record(inference.abortedCpuSavedSeconds()));
    meter
        .counterBuilder("stt.decodes.aborted.cpu_spent")
        .ofDoubles()
        .setUnit("s")
        .setDescription("CPU that aborted recognitions had spent before they stopped")
        .buildWithCallback(m -> m.record(inference.abortedCpuSpentSeconds()));
    meter
        .counterBuilder("stt.decodes.cpu")
        .ofDoubles()
        .setUnit("s")
        .setDescription(
            "CPU that recognitions spent in the local recognizer (measured; 0 for HTTP)")
        .buildWithCallback(m -> m.record(inference.decodeCpuSeconds()));
    meter
        .counterBuilder("stt.decodes.useless.cpu")
        .ofDoubles()
        .setUnit("s")
        .setDescription(
            "CPU spent by recognitions whose answer became useless while they were queued or"
                + " running: up to their abort, or to their end when not aborted (measured)")
        .buildWithCallback(m -> m.record(inference.uselessCpuSeconds()));
  }

  /**
   * {@code stt_ready}: 1 while {@code /readyz} answers 200, so an alert on an unready replica needs
   * nothing but the service's own metrics.
   */
  static void registerReadiness(Meter meter, BooleanSupplier ready) {
    meter
        .gaugeBuilder("stt.ready")
        .ofLongs()
        .setDescription("1 when the replica takes new sessions (/readyz answers 200)")
        .buildWithCallback(m -> m.record(ready.getAsBoolean() ? 1 : 0));
  }

  /**
   * {@code stt_routing_claims_total{kind}} and {@code stt_routing_handovers_total}: sessions this
   * replica claimed, by how it found them, and released as it left. With plain routing nothing is
   * claimed and both stay at zero.
   */
  static void registerRouting(Meter meter, RoutingCounts counts) {
    AttributeKey<String> kind = AttributeKey.stringKey("kind");
    Map<RoutingCounts.Claim, Attributes> byKind = new EnumMap<>(RoutingCounts.Claim.class);
    for (RoutingCounts.Claim c : RoutingCounts.Claim.values()) {
      byKind.put(c, Attributes.of(kind, c.label()));
    }
    meter
        .counterBuilder("stt.routing.claims")
        .setUnit("{session}")
        .setDescription(
            "sessions this replica claimed: new, hand_over (released by a replica that left),"
                + " takeover (from one that stopped answering), after_refusal")
        .buildWithCallback(m -> byKind.forEach((c, a) -> m.record(counts.claims(c), a)));
    meter
        .counterBuilder("stt.routing.handovers")
        .setUnit("{session}")
        .setDescription("sessions this replica released to the others as it left")
        .buildWithCallback(m -> m.record(counts.handedOver()));
  }
}
