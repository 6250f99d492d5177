package ai.voice.stt.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.service.Service;
import io.nats.service.ServiceBuilder;
import io.nats.service.ServiceEndpoint;
import io.nats.service.ServiceMessage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The service on the NATS micro Service API (ADR-32), so {@code nats micro ls/info/stats} find
 * every replica with its version, endpoints and request statistics. Only the control plane goes
 * here: the audio firehose stays a plain dispatcher, where per-request statistics and a queue group
 * would be wrong (a session's chunks must reach the replica that holds it).
 */
public final class ControlPlane implements AutoCloseable {
  public static final String SERVICE_NAME = "voice-stt";
  public static final String STATUS_SUBJECT = "stt.status";

  /**
   * The same status with the ids of the sessions each replica holds, for operators: the chart's
   * NATS permissions give it only to the admin user (docs/decisions/0027). {@link #STATUS_SUBJECT}
   * answers counts, since anyone who may publish on a session's subject controls that session.
   */
  public static final String ADMIN_STATUS_SUBJECT = "stt.admin.status";

  /** Metadata key: the input subscription (e.g. {@code ai.voice.stream.*}). */
  public static final String METADATA_INPUT = "input";

  /** Metadata key: how this replica routes sessions ({@code plain} or {@code jetstream}). */
  public static final String METADATA_ROUTING = "routing";

  private static final Duration DRAIN = Duration.ofSeconds(1);

  /**
   * What {@code stt.status} answers, as JSON with snake_case names.
   *
   * @param recognizer the recognizer's full description (model, Whisper server address, limits),
   *     answered on {@link #ADMIN_STATUS_SUBJECT} only
   * @param recognizerKind which recognizer, without its address or paths: what {@code stt.status}
   *     tells anyone
   */
  public record Status(
      int activeSessions,
      int queueDepth,
      String recognizer,
      String recognizerKind,
      boolean ready,
      String routing,
      String replica,
      Map<String, java.util.List<String>> replicas,
      String problem) {}

  private final Service service;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * Registers the service and starts answering.
   *
   * @param metadata shown by {@code nats micro info} (input and output subjects)
   */
  public ControlPlane(
      Connection connection,
      String version,
      Map<String, String> metadata,
      Supplier<Status> status) {
    ServiceEndpoint statusEndpoint =
        ServiceEndpoint.builder()
            .endpointName("status")
            .endpointSubject(STATUS_SUBJECT)
            .handler(message -> answer(connection, message, status.get(), false))
            .build();
    ServiceEndpoint adminStatusEndpoint =
        ServiceEndpoint.builder()
            .endpointName("admin-status")
            .endpointSubject(ADMIN_STATUS_SUBJECT)
            .handler(message -> answer(connection, message, status.get(), true))
            .build();
    this.service =
        new ServiceBuilder()
            .connection(connection)
            .name(SERVICE_NAME)
            .version(version)
            .description("Streaming speech-to-text over NATS (whisper.cpp, WebRTC VAD)")
            .metadata(metadata)
            .drainTimeout(DRAIN)
            .addServiceEndpoint(statusEndpoint)
            .addServiceEndpoint(adminStatusEndpoint)
            .build();
    service.startService();
  }

  /**
   * @param withSessionIds each replica's session ids and the recognizer's full description ({@link
   *     #ADMIN_STATUS_SUBJECT}), else only how many sessions it holds and which kind of recognizer
   */
  private void answer(
      Connection connection, ServiceMessage message, Status status, boolean withSessionIds) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("active_sessions", status.activeSessions());
    body.put("queue_depth", status.queueDepth());
    body.put("recognizer", withSessionIds ? status.recognizer() : status.recognizerKind());
    body.put("ready", status.ready());
    body.put("routing", status.routing());
    body.put("replica", status.replica());
    if (withSessionIds) {
      body.put("replicas", status.replicas());
    } else {
      Map<String, Integer> counts = new LinkedHashMap<>();
      status.replicas().forEach((replica, ids) -> counts.put(replica, ids.size()));
      body.put("replicas", counts);
    }
    if (!status.problem().isEmpty()) {
      body.put("problem", status.problem());
    }
    try {
      message.respond(connection, json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      // Cannot happen for a map of numbers and strings; the requester gets a service error.
      message.respondStandardError(connection, e.toString(), 500);
    }
  }

  /** The instance id that {@code nats micro info voice-stt} lists. */
  public String id() {
    return service.getId();
  }

  /** Unregisters, so discovery stops listing this replica before its sessions drain. */
  @Override
  public void close() {
    try {
      service.stop(true);
    } catch (RuntimeException e) {
      // NATS may already be gone at shutdown; the server forgets the endpoints with the link.
    }
  }
}
