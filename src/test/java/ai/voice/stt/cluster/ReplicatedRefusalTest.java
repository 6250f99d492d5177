package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.Clips;
import ai.voice.stt.support.MetricsText;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.RefusalAnswer;
import ai.voice.stt.support.ServiceProcess;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Refusal is final in the replicated mode too (issue 19), over a real JetStream server and a real
 * {@code stt serve} replica: a refused session gets one error and one end-of-stream result; the
 * audio its client sends afterwards is dropped and counted, and no replica takes the session up
 * once capacity frees and replays it (the input stream keeps that audio); its next {@code start} is
 * a new attempt, transcribed from that start on.
 */
class ReplicatedRefusalTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final StreamOptions INSTANT = StreamOptions.realTime().withSpeed(0);

  @Test
  void aRefusedSessionIsNeverTakenUpLaterAndItsNextStartIsANewAttempt() throws Exception {
    int healthPort = NatsProcess.freePort();
    try (NatsProcess nats = NatsProcess.startJetStream();
        ServiceProcess replica =
            ServiceProcess.servingOn(
                nats,
                Map.of(
                    "STT_ROUTING", "jetstream",
                    "STT_REPLICA_ID", "r0",
                    "STT_MAX_SESSIONS", "1",
                    "STT_INFERENCE_WORKERS", "1",
                    "STT_ELASTIC_THREADS", "false",
                    "STT_HEALTH_PORT", Integer.toString(healthPort)))) {
      replica.awaitReady(WAIT);
      Connection connection = nats.connect();
      try {
        StreamClient client =
            new StreamClient(connection, "ai.voice.stream", "ai.voice.transcription");
        StreamClient.Session holder = client.listen("js-hold", r -> {});
        client.send("js-hold", Map.of("type", "start"));
        Await.until(
            () -> claims(replica, "js-hold").size() == 1, WAIT, "the first session claimed");

        AudioClip whileFull = utterance("goforward");
        AudioClip onceFree = utterance("austen_0930");
        try (StreamClient.Session refused = client.listen("js-refused", r -> {})) {
          client.send("js-refused", Map.of("type", "start"));
          RefusalAnswer.assertAnsweredOnce(refused.awaitEnd(WAIT), "session_limit");
          client.sendChunks("js-refused", whileFull, INSTANT, null);
          client.send("js-hold", Map.of("type", "end"));
          holder.awaitEnd(WAIT);
          // Capacity is free now; the refused client streams on, and ends.
          client.sendChunks("js-refused", onceFree, INSTANT, null);
          client.send("js-refused", Map.of("type", "end"));
          long dropped = chunks(whileFull) + chunks(onceFree) + 1;
          Await.until(
              () -> metric(healthPort, "stt_refused_messages_dropped_total") == dropped,
              WAIT,
              () -> metric(healthPort, "stt_refused_messages_dropped_total") + " dropped");
          RefusalAnswer.assertAnsweredOnce(refused.received(), "session_limit");
        }
        holder.close();
        // The client retries once capacity is free (its last result leaves before the session).
        Await.until(
            () -> metric(healthPort, "stt_sessions_active") == 0, WAIT, "the first session freed");

        try (StreamClient.Session again = client.listen("js-refused", r -> {})) {
          client.send("js-refused", Map.of("type", "start"));
          client.sendChunks("js-refused", utterance("cards_001"), INSTANT, null);
          client.send("js-refused", Map.of("type", "end"));
          List<Received> out = again.awaitEnd(WAIT);

          assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
          List<Received> results = out.stream().filter(Received::isTranscription).toList();
          for (int seq = 0; seq < results.size(); seq++) {
            assertEquals(seq, results.get(seq).sequence(), "a new session's sequence: " + out);
          }
          assertEquals("end", out.getLast().string("end_reason"));
          String text = StreamClient.joinTranscripts(out);
          System.out.println("new attempt after the refusal: \"" + text + "\"");
          double wer = WordErrorRate.rate(TestData.recording("cards_001").reference(), text);
          assertTrue(wer < 0.5, "only the new attempt's audio is transcribed: " + text);
        }
        List<String> claims = claims(replica, "js-refused");
        assertEquals(1, claims.size(), "claimed once, for the new attempt: " + claims);
        assertTrue(claims.getFirst().contains("a new attempt after its refusal"), claims::toString);
      } finally {
        connection.close();
        // What the replica decided about these sessions, for a failure's diagnosis.
        replica.output().stream()
            .filter(l -> l.contains("js-") || l.contains("WARN") || l.contains("ERROR"))
            .forEach(System.out::println);
      }
    }
  }

  private static List<String> claims(ServiceProcess replica, String id) {
    return replica.output().stream()
        .filter(l -> l.contains("session " + id + ": claimed"))
        .toList();
  }

  private static AudioClip utterance(String name) {
    return Clips.padded(TestData.recording(name).clip(), 0.3, 1.0);
  }

  /** How many chunk messages {@link StreamClient#sendChunks} makes of {@code clip}. */
  private static long chunks(AudioClip clip) {
    int chunkBytes = Math.max(2 * clip.channels(), clip.bytesPerMillis(INSTANT.chunkMillis()));
    return (clip.pcm().length + chunkBytes - 1) / chunkBytes;
  }

  private static long metric(int healthPort, String name) {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return MetricsText.sample(response.body(), name);
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
