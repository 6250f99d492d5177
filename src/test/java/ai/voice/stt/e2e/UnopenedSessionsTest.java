package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Messages for session ids that have no session (docs/protocol.md, <i>Session ids without a
 * session</i>), over a real nats-server with the real model and real speech: a flood of junk ids
 * takes no session slot, audio after a rejected start is refused instead of opening a 16 kHz
 * session, and an ended session's late messages open nothing.
 */
class UnopenedSessionsTest {
  private static final int MAX_SESSIONS = 4;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static ServiceUnderTest stt;

  @BeforeAll
  static void startService() throws Exception {
    stt = new ServiceUnderTest(Map.of("STT_MAX_SESSIONS", Integer.toString(MAX_SESSIONS)));
  }

  @AfterAll
  static void stopService() {
    stt.close();
  }

  @Test
  void aFloodOfJunkIdsTakesNoSlotAndRealSessionsAreTranscribed() throws Exception {
    int junk = 3_000;
    for (int i = 0; i < junk; i++) {
      stt.client().send("junk-sc-" + i, Map.of("type", "state_change", "state", "responding"));
      stt.client().send("junk-end-" + i, Map.of("type", "end"));
      stt.client().send("junk-bad-" + i, Map.of("type", "start", "sample_rate", 11_025));
    }
    // One connection's messages are routed in order: once this one is answered, all were.
    try (StreamClient.Session probe = stt.client().listen("junk-probe", r -> {})) {
      stt.client().send("junk-probe", Map.of("type", "state_change", "state", "listening"));
      Await.until(() -> !probe.received().isEmpty(), WAIT, "the probe answered");
      assertEquals("no_session", probe.received().getFirst().code(), probe.received().toString());
    }
    assertEquals(0, stt.service().activeSessions(), "the junk opened no session");

    Corpus.Recording first = TestData.recording("austen_0870");
    Corpus.Recording second = TestData.recording("goforward");
    CompletableFuture<List<Received>> a = streamAsync("real-a", first);
    CompletableFuture<List<Received>> b = streamAsync("real-b", second);
    for (var run : List.of(Map.entry(first, a), Map.entry(second, b))) {
      List<Received> out = run.getValue().get(120, TimeUnit.SECONDS);
      assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
      String text = StreamClient.joinTranscripts(out);
      double wer = WordErrorRate.rate(run.getKey().reference(), text);
      System.out.printf("after %d junk ids x 3: WER %.1f%% \"%s\"%n", junk, 100 * wer, text);
      assertTrue(wer < 0.3, text);
    }
  }

  @Test
  void anEndWithNoSessionGetsOneEndOfStreamAndAStateChangeAnError() throws Exception {
    try (StreamClient.Session s = stt.client().listen("unopened-1", r -> {})) {
      stt.client().send("unopened-1", Map.of("type", "state_change", "state", "responding"));
      stt.client().send("unopened-1", Map.of("type", "end"));
      List<Received> out = s.awaitEnd(WAIT);
      assertEquals("no_session", out.getFirst().code(), out.toString());
      assertEquals(2, out.size(), out.toString());
      assertEquals(0, out.getLast().sequence());
      assertEquals("end", out.getLast().string("end_reason"));
      // A repeated end gets no second end_of_stream.
      stt.client().send("unopened-1", Map.of("type", "end"));
      assertQuietFor(s, 2);
    }
    assertEquals(0, stt.service().activeSessions());
  }

  @Test
  void audioAfterARejectedStartIsRefusedUntilAValidStart() throws Exception {
    Corpus.Recording recording = TestData.recording("goforward");
    String id = "rejected-start";
    try (StreamClient.Session s = stt.client().listen(id, r -> {})) {
      stt.client().send(id, Map.of("type", "start", "sample_rate", 11_025));
      stt.client().sendChunks(id, recording.clip(), StreamOptions.realTime().withSpeed(0), s);
      stt.client().send(id, Map.of("type", "end"));
      List<Received> out = s.awaitEnd(WAIT);
      assertEquals("unsupported_sample_rate", out.get(0).code(), out.toString());
      assertEquals("start_rejected", out.get(1).code(), out.toString());
      assertEquals(3, out.size(), "one answer for all the audio, then the end's: " + out);
      assertTrue(out.getLast().endOfStream());
      assertEquals("", out.getLast().transcript(), "none of that audio was transcribed");
    }
    // A valid start is a new attempt: its audio is transcribed.
    try (StreamClient.Session s = stt.client().listen(id, r -> {})) {
      stt.client().stream(id, recording.clip(), StreamOptions.realTime().withSpeed(4), s);
      List<Received> out = s.awaitEnd(WAIT);
      assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
      assertTrue(
          WordErrorRate.rate(recording.reference(), StreamClient.joinTranscripts(out)) < 0.3,
          out.toString());
    }
  }

  @Test
  void anEndedSessionsLateMessagesOpenNothing() throws Exception {
    Corpus.Recording recording = TestData.recording("goforward");
    String id = "ended-late";
    try (StreamClient.Session s = stt.client().listen(id, r -> {})) {
      stt.client().stream(id, recording.clip(), StreamOptions.realTime().withSpeed(4), s);
      List<Received> ended = s.awaitEnd(WAIT);
      Await.until(() -> stt.service().activeSessions() == 0, WAIT, "the session left");
      int before = ended.size();
      // A late chunk, a late state_change and a repeated end.
      stt.client().sendChunks(id, recording.clip(), StreamOptions.realTime().withSpeed(0), s);
      stt.client().send(id, Map.of("type", "state_change", "state", "responding"));
      stt.client().send(id, Map.of("type", "end"));
      Await.until(() -> s.received().size() > before, WAIT, "the late chunk answered");
      assertQuietFor(s, 3);
      List<Received> late = s.received().subList(before, s.received().size());
      assertEquals(1, late.size(), "one answer, no second end_of_stream: " + late);
      assertEquals("session_ended", late.getFirst().code(), late.toString());
    }
    assertEquals(0, stt.service().activeSessions(), "nothing reopened it");
  }

  private static void assertQuietFor(StreamClient.Session s, int seconds) throws Exception {
    int size = s.received().size();
    Thread.sleep(seconds * 1000L);
    assertEquals(size, s.received().size(), "nothing more: " + s.received());
  }

  private static CompletableFuture<List<Received>> streamAsync(String id, Corpus.Recording r) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (StreamClient.Session s = stt.client().listen(id, m -> {})) {
            stt.client().stream(id, r.clip(), StreamOptions.realTime().withSpeed(2), s);
            return s.awaitEnd(Duration.ofSeconds(120));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
