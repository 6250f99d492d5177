package ai.voice.stt.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Msgpack;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.service.SttService;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.Clips;
import ai.voice.stt.support.IngressBarrier;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.ServiceProcess;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM, as Kubernetes sends it when a pod is rolled: the service stops taking new sessions,
 * finishes the recognition in flight, publishes every open session's last result with {@code
 * end_reason: shutdown}, and exits with status 0 within {@code STT_SHUTDOWN_GRACE}.
 */
class GracefulShutdownTest {
  private static final int GRACE_SECONDS = 10;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final StreamOptions PACE = StreamOptions.realTime().withSpeed(2);

  @Test
  void sigtermEndsEverySessionWithItsInFlightResultsThenEndOfStreamAndExitsZero() throws Exception {
    try (NatsProcess nats = NatsProcess.start();
        ServiceProcess stt =
            ServiceProcess.servingOn(
                nats, Map.of("STT_SHUTDOWN_GRACE", Integer.toString(GRACE_SECONDS)))) {
      stt.awaitReady(WAIT);
      Connection connection = Nats.connect(nats.url());
      try {
        StreamClient client =
            new StreamClient(connection, "ai.voice.stream", "ai.voice.transcription");
        StreamClient.Session talking = client.listen("term-talking", r -> {});
        StreamClient.Session finished = client.listen("term-finished", r -> {});
        StreamClient.Session silent = client.listen("term-silent", r -> {});
        for (String id : List.of("term-talking", "term-finished", "term-silent")) {
          client.send(id, Map.of("type", "start"));
        }
        // Mid-utterance: the first 1.5 s of a 7 s sentence, no end-point reached yet.
        AudioClip sentence = TestData.recording("austen_0870").clip();
        AudioClip firstWords =
            new AudioClip(
                Arrays.copyOf(sentence.pcm(), 2 * 16_000 * 3 / 2),
                sentence.sampleRate(),
                sentence.channels());
        // A whole utterance with its end-pointing silence: recognition is queued or running.
        AudioClip command = Clips.padded(TestData.recording("goforward").clip(), 0.3, 0.9);
        CompletableFuture<Void> a =
            CompletableFuture.runAsync(
                () -> client.sendChunks("term-talking", firstWords, PACE, talking));
        CompletableFuture<Void> b =
            CompletableFuture.runAsync(
                () -> client.sendChunks("term-finished", command, PACE, finished));
        CompletableFuture.allOf(a, b).get(60, TimeUnit.SECONDS);
        IngressBarrier.await(client, "term-barrier");

        stt.terminate(); // SIGTERM
        boolean exited = stt.process().waitFor(GRACE_SECONDS, TimeUnit.SECONDS);
        assertTrue(exited, "exited within the grace period:\n" + String.join("\n", stt.output()));
        assertEquals(0, stt.process().exitValue(), String.join("\n", stt.output()));

        List<Received> talked = talking.awaitEnd(WAIT);
        List<Received> commanded = finished.awaitEnd(WAIT);
        List<Received> quiet = silent.awaitEnd(WAIT);
        System.out.println("mid-utterance at SIGTERM: " + talked);
        System.out.println("utterance in recognition at SIGTERM: " + commanded);
        assertInFlightSpeechThenShutdown(talked, "dashwood");
        assertInFlightSpeechThenShutdown(commanded, "forward");
        assertEquals(1, quiet.size(), quiet.toString());
        assertEquals("shutdown", quiet.getFirst().string("end_reason"));
        List<String> log = stt.awaitOutputEnd(WAIT);
        assertTrue(
            log.stream().anyMatch(l -> l.contains("stopped: 3 of 3 sessions ended")),
            String.join("\n", log));
      } finally {
        connection.close();
      }
    }
  }

  /**
   * In-process, with the recognizer held at a gate so the shutdown is caught in the middle: while a
   * session's last utterance is still being recognised the service is no longer ready, refuses a
   * new session with {@code session_closing}, and answers late audio for the closing session the
   * same way; once recognition finishes, the result comes before the end-of-stream.
   */
  @Test
  void duringShutdownNewSessionsAreRefusedAndTheClosingSessionFinishesItsRecognition()
      throws Exception {
    try (ServiceUnderTest stt = ServiceUnderTest.gated(Map.of())) {
      StreamClient client = stt.client();
      SttService service = stt.service();
      try (StreamClient.Session closing = client.listen("drain-old", r -> {})) {
        stt.gate().shut();
        client.send("drain-old", Map.of("type", "start"));
        client.sendChunks(
            "drain-old",
            Clips.padded(TestData.recording("goforward").clip(), 0.3, 0.9),
            StreamOptions.realTime().withSpeed(0),
            null);
        stt.gate().awaitWaiting(1, WAIT);

        CompletableFuture<SttService.ShutdownReport> shutdown =
            CompletableFuture.supplyAsync(service::shutdown);
        Await.until(() -> !service.isReady(), WAIT, "readiness dropped");
        BlockingQueue<Received> newcomer = new LinkedBlockingQueue<>();
        try (StreamClient.Session refused = client.listen("drain-new", newcomer::add)) {
          client.send("drain-new", Map.of("type", "start"));
          Received r = newcomer.poll(30, TimeUnit.SECONDS);
          assertTrue(r != null, "no answer to a new session during shutdown");
          assertEquals("session_closing", r.code(), r.toString());
          assertEquals(List.of(r), refused.received(), "refused, not opened");
        }
        client.sendRaw("drain-old", Msgpack.pack(Map.of("type", "chunk", "audio", new byte[640])));
        Await.until(() -> !closing.received().isEmpty(), WAIT, "late audio answered");
        assertEquals("session_closing", closing.received().getFirst().code());
        assertFalse(shutdown.isDone(), "shutdown waits for the recognition in flight");

        stt.gate().open();
        SttService.ShutdownReport report = shutdown.get(60, TimeUnit.SECONDS);
        assertTrue(report.clean(), report.toString());
        List<Received> out = closing.awaitEnd(WAIT);
        List<Received> results = out.stream().filter(Received::isTranscription).toList();
        assertTrue(
            results.getFirst().transcript().toLowerCase().contains("forward"), out.toString());
        assertEquals("shutdown", results.getLast().string("end_reason"));
      }
    }
  }

  private static void assertInFlightSpeechThenShutdown(List<Received> out, String word) {
    assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
    List<Received> results = out.stream().filter(Received::isTranscription).toList();
    for (int seq = 0; seq < results.size(); seq++) {
      assertEquals(seq, results.get(seq).sequence(), "gapless: " + results);
    }
    Received last = results.getLast();
    assertTrue(last.endOfStream());
    assertEquals("shutdown", last.string("end_reason"));
    String text = StreamClient.joinTranscripts(results).toLowerCase();
    assertTrue(text.contains(word), "the speech in flight was transcribed first: " + results);
  }
}
