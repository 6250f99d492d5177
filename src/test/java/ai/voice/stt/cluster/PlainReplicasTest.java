package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.support.Await;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.ServiceProcess;
import ai.voice.stt.transport.ControlPlane;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Plain routing (a core-NATS server without JetStream) serves one replica as before; a second plain
 * replica on the same input would transcribe every session twice, and both say so loudly: an error
 * in the log, {@code /readyz} 503 and the problem in {@code stt.status}.
 */
class PlainReplicasTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void aSecondPlainReplicaIsReportedByBothUntilItLeaves() throws Exception {
    try (NatsProcess nats = NatsProcess.start()) {
      Connection connection = nats.connect();
      int firstPort = NatsProcess.freePort();
      try (ServiceProcess first = replica(nats, firstPort)) {
        assertEquals(200, status(firstPort));
        JsonNode alone = statusReply(connection);
        assertEquals("plain", alone.get("routing").asText());
        assertTrue(alone.path("problem").isMissingNode(), "one plain replica is fine: " + alone);

        int secondPort = NatsProcess.freePort();
        try (ServiceProcess second = replica(nats, secondPort)) {
          Await.until(() -> status(firstPort) == 503, WAIT, "first replica /readyz 503");
          Await.until(() -> status(secondPort) == 503, WAIT, "second replica /readyz 503");
          for (ServiceProcess p : new ServiceProcess[] {first, second}) {
            Await.until(
                () ->
                    p.output().stream()
                        .anyMatch(l -> l.contains("ERROR") && l.contains("transcribed once per")),
                WAIT,
                "an error in the log");
          }
          assertTrue(
              statusReply(connection).path("problem").asText().contains("plain subscription"),
              "stt.status names the problem");
          second.terminate();
          second.awaitOutputEnd(WAIT);
        }
        Await.until(() -> status(firstPort) == 200, WAIT, "ready again once alone");
      } finally {
        connection.close();
      }
    }
  }

  /**
   * A staging deployment on its own subject prefix in the same account shares no session with
   * production, so it must not make production unready (nor production it); a second replica on
   * production's prefix still does.
   */
  @Test
  void aReplicaOnAnotherInputPrefixIsLeftOutWhileOneOnTheSameInputIsReported() throws Exception {
    try (NatsProcess nats = NatsProcess.start()) {
      int prodPort = NatsProcess.freePort();
      int stagingPort = NatsProcess.freePort();
      try (ServiceProcess prod = replica(nats, prodPort);
          ServiceProcess staging = replica(nats, stagingPort, "staging.voice")) {
        // Each guard logs what it counts after it has set readiness from the same view.
        awaitSeen(prod, "0 other voice-stt instance(s) on this input", "1 on other inputs");
        awaitSeen(staging, "0 other voice-stt instance(s) on this input", "1 on other inputs");
        assertEquals(200, status(prodPort), "production is ready beside staging");
        assertEquals(200, status(stagingPort), "staging is ready beside production");

        int secondPort = NatsProcess.freePort();
        try (ServiceProcess second = replica(nats, secondPort)) {
          Await.until(() -> status(prodPort) == 503, WAIT, "production /readyz 503");
          Await.until(() -> status(secondPort) == 503, WAIT, "second production /readyz 503");
          awaitSeen(staging, "0 other voice-stt instance(s) on this input", "2 on other inputs");
          assertEquals(200, status(stagingPort), "staging stays ready");
          second.terminate();
          second.awaitOutputEnd(WAIT);
        }
        assertTrue(
            staging.output().stream().noneMatch(l -> l.contains("transcribed once per")),
            "staging never reported production's replicas");
      }
    }
  }

  private static void awaitSeen(ServiceProcess p, String sameInput, String otherInputs)
      throws TimeoutException {
    Await.until(
        () -> p.output().stream().anyMatch(l -> l.contains(sameInput) && l.contains(otherInputs)),
        WAIT,
        "the guard counts: " + sameInput + ", " + otherInputs);
  }

  private static ServiceProcess replica(NatsProcess nats, int healthPort) throws IOException {
    return replica(nats, healthPort, "ai.voice");
  }

  /** A replica on {@code <prefix>.stream.*}, answering on {@code <prefix>.transcription.*}. */
  private static ServiceProcess replica(NatsProcess nats, int healthPort, String prefix)
      throws IOException {
    ServiceProcess p =
        ServiceProcess.servingOn(
            nats,
            Map.of(
                "STT_ROUTING",
                "auto",
                "STT_HEALTH_PORT",
                Integer.toString(healthPort),
                "STT_INPUT_SUBJECT_PREFIX",
                prefix + ".stream",
                "STT_OUTPUT_SUBJECT_PREFIX",
                prefix + ".transcription",
                "STT_INFERENCE_WORKERS",
                "1",
                // Replicas share this machine's cores: none lends them to its own calls.
                "STT_ELASTIC_THREADS",
                "false"));
    p.awaitReady(Duration.ofSeconds(120));
    return p;
  }

  private JsonNode statusReply(Connection connection) throws Exception {
    byte[] reply =
        connection
            .request(ControlPlane.STATUS_SUBJECT, new byte[0], Duration.ofSeconds(5))
            .getData();
    return json.readTree(reply);
  }

  private int status(int port) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
