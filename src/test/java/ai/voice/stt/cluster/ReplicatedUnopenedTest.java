package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.ReplicatedRun;
import ai.voice.stt.support.ServiceProcess;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Session ids without a session in the replicated mode (docs/protocol.md, <i>Session ids without a
 * session</i>), over a real JetStream nats-server and two real {@code stt serve} replicas:
 * thousands of made-up ids sent {@code state_change}, {@code end} and rejected {@code start}s cost
 * no session key (so no claim, no ordered consumer) and no slot, real sessions are transcribed
 * after them, and an ended session's late messages open nothing: one {@code session_ended}, no
 * second {@code end_of_stream}.
 */
class ReplicatedUnopenedTest {
  private static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void junkIdsCostNoClaimAndEndedSessionsStayClosed() throws Exception {
    Map<String, String> env =
        Map.of(
            "STT_ROUTING", "jetstream",
            "STT_MAX_SESSIONS", "4",
            "STT_INFERENCE_WORKERS", "1",
            "STT_ELASTIC_THREADS", "false");
    try (NatsProcess nats = NatsProcess.startJetStream();
        ServiceProcess a = ServiceProcess.servingOn(nats, with(env, "junk-a"));
        ServiceProcess b = ServiceProcess.servingOn(nats, with(env, "junk-b"))) {
      a.awaitReady(WAIT);
      b.awaitReady(WAIT);
      Connection connection = ReplicatedRun.clientOf(nats.url());
      AtomicInteger keysWritten = new AtomicInteger();
      NatsKeyValueWatchSubscription watch =
          connection
              .keyValue("voice-stt-sessions")
              .watchAll(counting(keysWritten), KeyValueWatchOption.UPDATES_ONLY);
      try {
        StreamClient client =
            new StreamClient(connection, "ai.voice.stream", "ai.voice.transcription");
        Corpus.Recording recording = TestData.recording("goforward");
        // A real session, and its late messages once it ended.
        realSessionThenLateMessages(client, "real-1", recording);
        int junk = 2_000;
        for (int i = 0; i < junk; i++) {
          client.send("junk-sc-" + i, Map.of("type", "state_change", "state", "responding"));
          client.send("junk-end-" + i, Map.of("type", "end"));
          client.send("junk-bad-" + i, Map.of("type", "start", "sample_rate", 11_025));
        }
        try (StreamClient.Session probe = client.listen("junk-probe", r -> {})) {
          client.send("junk-probe", Map.of("type", "state_change", "state", "listening"));
          Await.until(() -> !probe.received().isEmpty(), WAIT, "the probe answered");
          assertEquals(
              "no_session", probe.received().getFirst().code(), probe.received().toString());
        }
        ReplicatedRun.sleep(2_000);
        assertEquals(0, keysWritten.get(), "no junk id wrote a session key");

        realSessionThenLateMessages(client, "real-2", recording);
        assertEquals(0, keysWritten.get(), "no junk id wrote a session key");
      } finally {
        watch.unsubscribe();
        connection.close();
        // What each replica decided about the real sessions, for a failure's diagnosis.
        for (ServiceProcess r : List.of(a, b)) {
          r.output().stream()
              .filter(l -> l.contains("real-") || l.contains("WARN"))
              .forEach(System.out::println);
        }
      }
    }
  }

  private static void realSessionThenLateMessages(
      StreamClient client, String id, Corpus.Recording recording) throws Exception {
    try (StreamClient.Session s = client.listen(id, r -> {})) {
      client.stream(id, recording.clip(), StreamOptions.realTime().withSpeed(4), s);
      List<Received> out = s.awaitEnd(WAIT);
      assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
      String text = StreamClient.joinTranscripts(out);
      assertTrue(WordErrorRate.rate(recording.reference(), text) < 0.3, text);

      // Once its key is gone, late messages open nothing.
      ReplicatedRun.sleep(1_000);
      int before = s.received().size();
      client.sendChunks(id, recording.clip(), StreamOptions.realTime().withSpeed(0), s);
      client.send(id, Map.of("type", "end"));
      Await.until(() -> s.received().size() > before, WAIT, "the late chunk answered");
      ReplicatedRun.sleep(3_000);
      List<Received> late = s.received().subList(before, s.received().size());
      assertEquals(1, late.size(), "one answer, no second end_of_stream: " + late);
      assertEquals("session_ended", late.getFirst().code(), late.toString());
    }
  }

  /** Counts the writes of the junk ids' keys. */
  private static KeyValueWatcher counting(AtomicInteger writes) {
    return new KeyValueWatcher() {
      @Override
      public void watch(KeyValueEntry entry) {
        if (entry.getOperation() == KeyValueOperation.PUT
            && SessionKeys.sessionId(entry.getKey()).startsWith("junk-")) {
          writes.incrementAndGet();
        }
      }

      @Override
      public void endOfData() {}
    };
  }

  private static Map<String, String> with(Map<String, String> env, String id) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("STT_REPLICA_ID", id);
    return all;
  }
}
