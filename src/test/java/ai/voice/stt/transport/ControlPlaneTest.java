package ai.voice.stt.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
          List.of(ControlPlane.STATUS_SUBJECT),
          info.getEndpoints().stream().map(Endpoint::getSubject).toList());

      Message reply =
          client.request(ControlPlane.STATUS_SUBJECT, new byte[0], Duration.ofSeconds(5));
      JsonNode status = new ObjectMapper().readTree(reply.getData());
      assertEquals(0, status.get("active_sessions").asInt());
      assertEquals(0, status.get("queue_depth").asInt());
      assertTrue(status.get("ready").asBoolean());
      assertTrue(status.get("recognizer").asText().contains("whisper"), status.toString());

      StatsResponse stats = discovery.stats(ControlPlane.SERVICE_NAME, info.getId());
      assertEquals(1, stats.getEndpointStatsList().getFirst().getNumRequests());
      client.close();
    }
  }
}
