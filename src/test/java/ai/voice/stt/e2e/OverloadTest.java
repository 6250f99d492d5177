package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.Clips;
import ai.voice.stt.support.MetricsText;
import ai.voice.stt.support.RefusalAnswer;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * More load than the service can take, over a real nats-server with the real model. The recognizer
 * is held at a gate while load is staged, so queue depths are exact and the assertions are about
 * codes, counts and order, never about timings.
 */
class OverloadTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final StreamOptions INSTANT = StreamOptions.realTime().withSpeed(0);

  /**
   * The fourth session is refused once: one {@code session_limit} error and one end-of-stream
   * result. What its client sends afterwards is dropped quietly and counted, even once a place is
   * free (none of it is ever transcribed); its next {@code start} is a new attempt, admitted and
   * transcribed from there.
   */
  @Test
  void sessionsBeyondTheConfiguredMaximumGetSessionLimitUntilOneEnds() throws Exception {
    try (ServiceUnderTest stt = new ServiceUnderTest(Map.of("STT_MAX_SESSIONS", "3"))) {
      StreamClient client = stt.client();
      List<StreamClient.Session> open = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        open.add(client.listen("limit-" + i, r -> {}));
        client.send("limit-" + i, Map.of("type", "start"));
      }
      try (StreamClient.Session s = client.listen("limit-3", r -> {})) {
        client.send("limit-3", Map.of("type", "start"));
        RefusalAnswer.assertAnsweredOnce(s.awaitEnd(WAIT), "session_limit");

        AudioClip refusedWhileFull = utterance("goforward");
        client.sendChunks("limit-3", refusedWhileFull, INSTANT, null);
        client.send("limit-0", Map.of("type", "end"));
        open.getFirst().awaitEnd(WAIT);
        Await.until(() -> stt.service().activeSessions() == 2, WAIT, "a session closed");
        AudioClip refusedOnceFree = utterance("austen_0930");
        client.sendChunks("limit-3", refusedOnceFree, INSTANT, null);
        client.send("limit-3", Map.of("type", "end"));
        long dropped = chunks(refusedWhileFull) + chunks(refusedOnceFree) + 1;
        Await.until(
            () -> droppedAfterRefusal(stt) == dropped,
            WAIT,
            () -> droppedAfterRefusal(stt) + " of " + dropped + " dropped");
        assertEquals(2, stt.service().activeSessions(), "no message but a start reopens it");
        RefusalAnswer.assertAnsweredOnce(s.received(), "session_limit");
      }
      try (StreamClient.Session again = client.listen("limit-3", r -> {})) {
        client.send("limit-3", Map.of("type", "start"));
        client.sendChunks("limit-3", utterance("cards_001"), INSTANT, null);
        client.send("limit-3", Map.of("type", "end"));
        List<Received> out = again.awaitEnd(WAIT);
        assertEquals("end", out.getLast().string("end_reason"), "admitted once a place was free");
        assertTranscribed(out, "cards_001");
        assertEquals(0, out.getFirst().sequence(), "a new session: " + out);
      }
      for (int i = 1; i < 3; i++) {
        client.send("limit-" + i, Map.of("type", "end"));
        open.get(i).awaitEnd(WAIT);
      }
      assertEquals(1, stt.service().stats().errors(ErrorCode.SESSION_LIMIT));
    }
  }

  /**
   * One worker, admission at two waiting utterances. Three sessions each finish an utterance while
   * the worker is held: one runs, two wait, so the queue is saturated. A new session is refused
   * with {@code service_busy}; the sessions in progress go on being served (one of them speaks
   * again), none of them gets an error, and every utterance they spoke is transcribed.
   */
  @Test
  void aSaturatedInferenceQueueRefusesNewSessionsWhileSessionsInProgressKeepBeingServed()
      throws Exception {
    // Without speculation: a speculative run takes the idle worker in a race between the sessions,
    // and when the winner's answer cannot be its final (its final holds a soft word ending the
    // answer did not hear) the queue holds one more job than the three finals this test counts.
    Map<String, String> env =
        Map.of(
            "STT_INFERENCE_WORKERS", "1",
            "STT_INFERENCE_QUEUE_SIZE", "8",
            "STT_ADMISSION_QUEUE_DEPTH", "2",
            "STT_MAX_SESSIONS", "10",
            "STT_SPECULATIVE", "false");
    List<String> names = List.of("cards_001", "goforward", "cards_003");
    try (ServiceUnderTest stt = ServiceUnderTest.gated(env)) {
      StreamClient client = stt.client();
      stt.gate().shut();
      List<StreamClient.Session> sessions = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String id = "busy-" + i;
        sessions.add(client.listen(id, r -> {}));
        client.send(id, Map.of("type", "start"));
        client.sendChunks(id, utterance(names.get(i)), INSTANT, null);
      }
      stt.gate().awaitWaiting(1, WAIT);
      Await.until(
          () -> stt.service().inferenceQueueDepth() == 2,
          WAIT,
          () -> stt.service().inferenceQueueDepth() + " waiting");

      try (StreamClient.Session s = client.listen("busy-new", r -> {})) {
        client.send("busy-new", Map.of("type", "start"));
        List<Received> refusal = s.awaitEnd(WAIT);
        RefusalAnswer.assertAnsweredOnce(refusal, "service_busy");
        assertTrue(
            refusal.getFirst().string("message").contains("2 utterances waiting"),
            refusal.toString());
        // The refused client streams on: dropped quietly, never transcribed.
        AudioClip refusedAudio = utterance("goforward");
        client.sendChunks("busy-new", refusedAudio, INSTANT, null);
        Await.until(
            () -> droppedAfterRefusal(stt) == chunks(refusedAudio),
            WAIT,
            () -> droppedAfterRefusal(stt) + " of " + chunks(refusedAudio) + " dropped");

        // A session in progress is not refused: its next utterance waits its turn.
        client.sendChunks("busy-0", utterance("austen_0930"), INSTANT, null);
        stt.gate().open();
        for (int i = 0; i < names.size(); i++) {
          client.send("busy-" + i, Map.of("type", "end"));
        }
        List<List<Received>> outputs = new ArrayList<>();
        for (StreamClient.Session session : sessions) {
          outputs.add(session.awaitEnd(WAIT));
        }
        assertTranscribed(outputs.get(0), "cards_001", "austen_0930");
        assertTranscribed(outputs.get(1), "goforward");
        assertTranscribed(outputs.get(2), "cards_003");

        // Once the workers caught up, its next start is a new attempt, admitted; the audio it
        // sent while refused is never transcribed.
        Await.until(() -> stt.service().inferenceQueueDepth() == 0, WAIT, "queue drained");
        RefusalAnswer.assertAnsweredOnce(s.received(), "service_busy");
      }
      try (StreamClient.Session again = client.listen("busy-new", r -> {})) {
        client.send("busy-new", Map.of("type", "start"));
        client.sendChunks("busy-new", utterance("cards_003"), INSTANT, null);
        client.send("busy-new", Map.of("type", "end"));
        List<Received> out = again.awaitEnd(WAIT);
        assertEquals("end", out.getLast().string("end_reason"));
        assertTranscribed(out, "cards_003");
      }
      sessions.forEach(StreamClient.Session::close);
      assertEquals(1, stt.service().stats().errors(ErrorCode.SERVICE_BUSY));
      assertEquals(0, stt.service().stats().errors(ErrorCode.OVERLOADED));
    }
  }

  /**
   * Each open session keeps at most one utterance in the shared inference queue, so the queue is
   * never smaller than the session limit: a smaller {@code STT_INFERENCE_QUEUE_SIZE} is raised to
   * it. Without admission control (depth 0), three sessions whose utterances end while the only
   * worker is busy all get their words: none loses audio to a full queue ({@code overloaded}).
   */
  @Test
  void admittedSessionsNeverLoseAnUtteranceToAFullQueue() throws Exception {
    Map<String, String> env =
        Map.of(
            "STT_INFERENCE_WORKERS", "1",
            "STT_INFERENCE_QUEUE_SIZE", "1",
            "STT_ADMISSION_QUEUE_DEPTH", "0");
    List<String> names = List.of("cards_001", "goforward", "cards_003");
    try (ServiceUnderTest stt = ServiceUnderTest.gated(env)) {
      StreamClient client = stt.client();
      stt.gate().shut();
      List<StreamClient.Session> sessions = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sessions.add(client.listen("full-" + i, r -> {}));
        client.send("full-" + i, Map.of("type", "start"));
      }
      client.sendChunks("full-0", utterance(names.get(0)), INSTANT, null);
      stt.gate().awaitWaiting(1, WAIT); // running (held)
      client.sendChunks("full-1", utterance(names.get(1)), INSTANT, null);
      Await.until(() -> stt.service().inferenceQueueDepth() == 1, WAIT, "second one queued");
      client.sendChunks("full-2", utterance(names.get(2)), INSTANT, null);
      Await.until(() -> stt.service().inferenceQueueDepth() == 2, WAIT, "third one queued too");
      stt.gate().open();
      for (int i = 0; i < 3; i++) {
        client.send("full-" + i, Map.of("type", "end"));
        List<Received> out = sessions.get(i).awaitEnd(WAIT);
        assertTrue(out.getLast().endOfStream(), "session " + i + " went on to its end");
        assertTranscribed(out, names.get(i));
      }
      assertEquals(0, stt.service().stats().errors(ErrorCode.OVERLOADED));
    }
  }

  private static AudioClip utterance(String name) {
    return Clips.padded(TestData.recording(name).clip(), 0.3, 1.0);
  }

  /** How many chunk messages {@link StreamClient#sendChunks} makes of {@code clip}. */
  private static long chunks(AudioClip clip) {
    int chunkBytes = Math.max(2 * clip.channels(), clip.bytesPerMillis(INSTANT.chunkMillis()));
    return (clip.pcm().length + chunkBytes - 1) / chunkBytes;
  }

  private static long droppedAfterRefusal(ServiceUnderTest stt) {
    return MetricsText.sample(stt.service().metricsText(), "stt_refused_messages_dropped_total");
  }

  private static List<String> errorCodes(List<Received> out) {
    return out.stream().filter(r -> r.type().equals("error")).map(Received::code).toList();
  }

  private static void assertTranscribed(List<Received> out, String... names) {
    assertEquals(List.of(), errorCodes(out), "no errors for a session in progress");
    List<Received> spoken = out.stream().filter(r -> !r.transcript().isBlank()).toList();
    assertEquals(names.length, spoken.size(), out.toString());
    for (int i = 0; i < names.length; i++) {
      Corpus.Recording r = TestData.recording(names[i]);
      double wer = WordErrorRate.rate(r.reference(), spoken.get(i).transcript());
      assertTrue(wer < 0.5, names[i] + ": " + spoken.get(i).transcript());
    }
  }
}
