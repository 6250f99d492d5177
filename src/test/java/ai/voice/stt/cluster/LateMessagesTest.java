package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.Clips;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.ReplicatedRun;
import ai.voice.stt.support.ServiceProcess;
import ai.voice.stt.support.Signals;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every replica hears every message of every session; one that processes them late (stalled, or
 * just behind on a busy machine) may do so after the session has ended on another replica. Those
 * messages were read already: the late replica opens nothing for them, so the session ends once,
 * and nothing is transcribed twice (real nats-server, two real {@code stt serve} replicas, one
 * stopped with SIGSTOP while the session runs and ends).
 */
class LateMessagesTest {

  @Test
  void aReplicaThatHearsASessionOnlyAfterItEndedOpensNothing() throws Exception {
    Map<String, String> env =
        Map.of(
            "STT_ROUTING", "jetstream",
            "STT_SESSION_IDLE_TIMEOUT", "60",
            "STT_INFERENCE_WORKERS", "1",
            "STT_ELASTIC_THREADS", "false");
    try (NatsProcess nats = NatsProcess.startJetStream();
        ServiceProcess a = ServiceProcess.servingOn(nats, with(env, "late-a"));
        ServiceProcess b = ServiceProcess.servingOn(nats, with(env, "late-b"))) {
      a.awaitReady(Duration.ofSeconds(120));
      b.awaitReady(Duration.ofSeconds(120));
      Connection connection = ReplicatedRun.clientOf(nats.url());
      try {
        StreamClient client =
            new StreamClient(connection, "ai.voice.stream", "ai.voice.transcription");
        // A session that stays open, so the replica holding it is the busier one: the late
        // replica, with none, would place the ended session on itself.
        client.send("late-hold", Map.of("type", "start"));
        Await.until(
            () -> claimed(a, "late-hold") || claimed(b, "late-hold"),
            Duration.ofSeconds(30),
            "the holding session claimed");
        ServiceProcess busy = claimed(a, "late-hold") ? a : b;
        ServiceProcess late = busy == a ? b : a;
        String id = "late-1";
        try (StreamClient.Session s = client.listen(id, r -> {})) {
          Signals.pause(late.process());
          try {
            client.stream(
                id,
                Clips.padded(TestData.recording("goforward").clip(), 0.3, 1.0),
                StreamOptions.realTime().withSpeed(0),
                s);
            s.awaitEnd(Duration.ofSeconds(60));
          } finally {
            Signals.resume(late.process());
          }
          // The late replica now works through the messages it heard while stopped.
          ReplicatedRun.sleep(6_000);
          List<Received> out = s.received();
          assertEquals(1, out.stream().filter(Received::endOfStream).count(), "one end: " + out);
          assertTrue(out.getLast().endOfStream(), "nothing after it: " + out);
          assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
          assertTrue(claimed(busy, id), "the session ran on the other replica");
          assertTrue(
              !claimed(late, id),
              "the late replica opened nothing: "
                  + late.output().stream().filter(l -> l.contains(id)).toList());
        }
      } finally {
        connection.close();
        // What each replica decided about these sessions, for a failure's diagnosis.
        for (ServiceProcess r : List.of(a, b)) {
          r.output().stream()
              .filter(l -> l.contains("late-") || l.contains("WARN"))
              .forEach(System.out::println);
        }
      }
    }
  }

  private static boolean claimed(ServiceProcess replica, String id) {
    return replica.output().stream().anyMatch(l -> l.contains("session " + id + ": claimed"));
  }

  private static Map<String, String> with(Map<String, String> env, String id) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("STT_REPLICA_ID", id);
    return all;
  }
}
