package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Msgpack;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.MalformedCorpus;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The hostile-message corpus (wrong types, huge maps, deep nesting, giant strings, truncated
 * msgpack, bytes that are not PCM) sent over a real nats-server, several times over, while a caller
 * streams real speech: every hostile message gets exactly one {@code error} with the code its name
 * gives, on its own session's subject, the service opens no session for any of them, and the
 * caller's transcript is unaffected.
 */
class HostileInputTest {
  private static final int ROUNDS = 5;

  @Test
  void everyHostileMessageGetsItsErrorAndAConversationAlongsideIsUnaffected() throws Exception {
    List<MalformedCorpus.Entry> corpus = MalformedCorpus.load();
    try (ServiceUnderTest stt = new ServiceUnderTest(Map.of("STT_MAX_CHUNK_BYTES", "64000"))) {
      Corpus.Recording recording = TestData.recording("austen_0920");
      CompletableFuture<List<Received>> healthy =
          CompletableFuture.supplyAsync(
              () -> {
                try (StreamClient.Session s = stt.client().listen("hostile-healthy", r -> {})) {
                  stt.client().stream(
                      "hostile-healthy", recording.clip(), StreamOptions.realTime(), s);
                  return s.awaitEnd(Duration.ofSeconds(60));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });

      Map<String, List<Received>> answers = new ConcurrentHashMap<>();
      Connection listener = stt.nats().connect();
      Dispatcher dispatcher =
          listener.createDispatcher(
              msg -> {
                Received r = new Received(Msgpack.unpackMap(msg.getData()), 0);
                answers
                    .computeIfAbsent(r.string("session_id"), k -> new CopyOnWriteArrayList<>())
                    .add(r);
              });
      dispatcher.subscribe("ai.voice.transcription.*"); // "*" is a whole-token wildcard
      listener.flush(Duration.ofSeconds(5));

      List<String> ids = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < corpus.size(); i++) {
          String id = "hostile-" + round + "-" + i;
          ids.add(id);
          stt.client().sendRaw(id, corpus.get(i).payload());
        }
      }
      // The service answers one publisher's messages in order: this answer comes after all others.
      stt.client().sendRaw("hostile-last", Msgpack.pack(Map.of("type", "no-such-type")));
      Await.until(
          () -> answers.containsKey("hostile-last"),
          Duration.ofSeconds(60),
          () -> answers.size() + " sessions answered: " + answers.keySet());

      for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < corpus.size(); i++) {
          MalformedCorpus.Entry entry = corpus.get(i);
          List<Received> got = answers.get("hostile-" + round + "-" + i);
          assertTrue(got != null && got.size() == 1, entry.name() + ": exactly one answer " + got);
          Received r = got.getFirst();
          assertEquals("error", r.type(), entry.name());
          assertEquals(entry.expectedCode(), r.code(), entry.name() + ": " + r);
        }
      }
      List<Received> conversation = healthy.get(60, TimeUnit.SECONDS);
      String text = StreamClient.joinTranscripts(conversation);
      System.out.printf(
          "%d hostile messages answered with errors; the conversation alongside: \"%s\"%n",
          ids.size(), text);
      assertTrue(conversation.stream().noneMatch(r -> r.type().equals("error")));
      assertTrue(WordErrorRate.rate(recording.reference(), text) < 0.3, text);
      assertEquals(0, stt.service().activeSessions(), "no hostile message opened a session");
      listener.close();
    }
  }
}
