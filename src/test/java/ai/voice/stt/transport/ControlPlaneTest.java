package ai.voice.stt.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.support.ServiceUnderTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.service.Discovery;
import io.nats.service.Endpoint;
import io.nats.service.InfoResponse;
import io.nats.service.PingResponse;
import io.nats.service.StatsResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The service as NATS micro discovery (what {@code nats micro ls/info/stats} use) sees it. */
class ControlPlaneTest {

  @Test
  void discoveryFindsTheServiceWithItsVersionAndStatusEndpointWhichAnswersJson() throws Exception {
    try (ServiceUnderTest stt = new ServiceUnderTest()) {
      Connection client = stt.nats().connect();
      Discovery discovery = new Discovery(client, 1000, 10);

      List<PingResponse> pings = discovery.ping(ControlPlane.SERVICE_NAME);
      assertEquals(1, pings.size(), pings.toString());
      assertTrue(pings.getFirst().getVersion().startsWith("0."), pings.getFirst().getVersion());

      List<InfoResponse> infos = discovery.info(ControlPlane.SERVICE_NAME);
      assertEquals(1, infos.size());
      InfoResponse info = infos.getFirst();
      assertEquals("ai.voice.stream.*", info.getMetadata().get("input"));
      assertEquals(
          java.util.Set.of(ControlPlane.STATUS_SUBJECT, "stt.admin.status"),
          info.getEndpoints().stream().map(Endpoint::getSubject).collect(Collectors.toSet()));

      Message reply =
          client.request(ControlPlane.STATUS_SUBJECT, new byte[0], Duration.ofSeconds(5));
      JsonNode status = new ObjectMapper().readTree(reply.getData());
      assertEquals(0, status.get("active_sessions").asInt());
      assertEquals(0, status.get("queue_depth").asInt());
      assertTrue(status.get("ready").asBoolean());
      assertTrue(status.get("recognizer").asText().contains("whisper"), status.toString());

      StatsResponse stats = discovery.stats(ControlPlane.SERVICE_NAME, info.getId());
      assertEquals(
          1,
          stats.getEndpointStatsList().stream()
              .filter(e -> e.getSubject().equals(ControlPlane.STATUS_SUBJECT))
              .findFirst()
              .orElseThrow()
              .getNumRequests());
      client.close();
    }
  }

  /**
   * Anyone who may publish on a session's subject controls that session, so {@code stt.status},
   * which any client may ask, tells how many sessions each replica holds and never which; the ids
   * are on the admin subject, which the chart's NATS permissions give to the admin user only.
   */
  @Test
  void statusCountsSessionsAndOnlyTheAdminSubjectNamesThem() throws Exception {
    try (ServiceUnderTest stt = new ServiceUnderTest()) {
      Connection client = stt.nats().connect();
      String id = "private-session-4711";
      // A start opens the session; it stays open (no end) while the status is asked.
      stt.client().send(id, java.util.Map.of("type", "start", "sample_rate", 16000));
      ai.voice.stt.support.Await.until(
          () -> ask(client, "stt.admin.status").toString().contains(id),
          Duration.ofSeconds(10),
          "stt.admin.status lists the session");

      JsonNode status = ask(client, "stt.status");
      assertEquals(1, status.get("active_sessions").asInt());
      assertFalse(status.toString().contains(id), "stt.status names a session: " + status);
      JsonNode counts = status.get("replicas");
      assertEquals(1, counts.size(), status.toString());
      assertEquals(1, counts.elements().next().asInt(), "a count per replica: " + status);
      // The recognizer's kind, not its model path or a Whisper server's address.
      assertEquals("whisper.cpp (local)", status.get("recognizer").asText());
      assertTrue(
          ask(client, "stt.admin.status").get("recognizer").asText().contains("ggml"),
          "the admin subject describes the recognizer in full");
      client.close();
    }
  }

  private static JsonNode ask(Connection client, String subject) {
    try {
      Message reply = client.request(subject, new byte[0], Duration.ofSeconds(5));
      return new ObjectMapper().readTree(reply.getData());
    } catch (Exception e) {
      throw new IllegalStateException(subject + ": " + e, e);
    }
  }
}
