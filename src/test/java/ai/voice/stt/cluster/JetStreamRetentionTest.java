package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.service.SttService;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What JetStream keeps with replicas, against a real nats-server: both streams are bounded in bytes
 * (configurable), a stream made by an earlier version without bounds gets them, and an error reply
 * to an id that never opened a session leaves the results stream after the session idle timeout
 * instead of staying for hours (docs/operations.md, "What JetStream stores").
 */
class JetStreamRetentionTest {
  private static final String AUDIO = "VOICE_STT_AUDIO";
  private static final String RESULTS = AUDIO + "_RESULTS";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void streamsAreBoundedAndRepliesToNeverOpenedIdsExpire() throws Exception {
    try (NatsProcess nats = NatsProcess.startJetStream()) {
      Connection client = nats.connect();
      JetStreamManagement jsm = client.jetStreamManagement();
      // The input stream as an earlier version made it: no byte limit.
      jsm.addStream(
          StreamConfiguration.builder()
              .name(AUDIO)
              .subjects("ai.voice.stream.*")
              .maxAge(Duration.ofMinutes(2))
              .build());

      Map<String, String> env = new HashMap<>();
      env.put("NATS_URL", nats.url());
      env.put("STT_MODEL_PATH", TestData.model().toString());
      env.put("STT_HEALTH_PORT", "0");
      env.put("OTEL_ENABLED", "false");
      env.put("STT_ROUTING", "jetstream");
      env.put("STT_INFERENCE_WORKERS", "1");
      env.put("STT_AUDIO_STREAM_MAX_MB", "64");
      env.put("STT_RESULTS_STREAM_MAX_MB", "32");
      env.put("STT_SESSION_IDLE_TIMEOUT", "3");
      env.put("STT_MAX_SESSIONS", "1");
      try (SttService service = SttService.start(ConfigLoader.load(env, 2))) {
        Await.until(service::isReady, WAIT, "service ready");
        service.awaitSubscribed(Duration.ofSeconds(5));

        StreamConfiguration audio = jsm.getStreamInfo(AUDIO).getConfiguration();
        assertEquals(64L << 20, audio.getMaxBytes(), "input stream bound (updated)");
        assertEquals(Duration.ofMinutes(2), audio.getMaxAge());
        StreamConfiguration results = jsm.getStreamInfo(RESULTS).getConfiguration();
        assertEquals(32L << 20, results.getMaxBytes(), "results stream bound");
        assertTrue(results.getAllowMessageTtl(), "results stream takes per-message TTLs");

        // One session holds the only slot; a second id is refused (session_limit) and never
        // opens a session: its answer is an error and an end-of-stream result.
        StreamClient stream = new StreamClient(client, "ai.voice.stream", "ai.voice.transcription");
        stream.send("holder", Map.of("type", "start", "sample_rate", 16000));
        Await.until(() -> service.activeSessions() == 1, WAIT, "the holder's session open");
        String id = "never-opened-1";
        try (StreamClient.Session s = stream.listen(id, r -> {})) {
          stream.send(id, Map.of("type", "start", "sample_rate", 16000));
          List<Received> answer = s.awaitEnd(WAIT);
          assertEquals("session_limit", answer.getFirst().string("code"), answer.toString());
        }
        Await.until(() -> kept(jsm, id) != null, WAIT, "the reply in the results stream");
        MessageInfo stored = kept(jsm, id);
        assertEquals("3s", stored.getHeaders().getFirst("Nats-TTL"), stored.toString());
        // Gone after its TTL (the server expires it; a second of slack for its timer).
        Await.until(() -> kept(jsm, id) == null, Duration.ofSeconds(15), "the reply expired");
      }
      client.close();
    }
  }

  /** The last message the results stream keeps for session {@code id}, or null. */
  private static MessageInfo kept(JetStreamManagement jsm, String id) {
    try {
      return jsm.getLastMessage(RESULTS, "ai.voice.transcription." + id);
    } catch (JetStreamApiException e) {
      return null; // no message for that subject
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
