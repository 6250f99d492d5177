package ai.voice.stt.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.NatsProcess;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The connection replicated outputs leave on, after NATS came back: every session publishes at once
 * (their audio resumes together), and one of them opens the new connection. The others wait for it
 * rather than drop their message: an error naming lost audio that is dropped makes the loss silent
 * (found by JetStreamOutageTest: one of two sessions got no {@code audio_lost}).
 */
class OutputConnectionTest {
  private static final int SESSIONS = 8;

  @Test
  void sessionsPublishingTogetherAfterAnOutageAllGetOut() throws Exception {
    try (NatsProcess nats = NatsProcess.start()) {
      SttConfig config = ConfigLoader.load(Map.of("NATS_URL", nats.url()), 2);
      try (OutputConnection outputs =
          new OutputConnection(config.nats(), "output-test", () -> List.of(nats.url()))) {
        outputs.open();
        nats.kill();
        nats.restart();
        Connection observer = nats.connect();
        try {
          Set<String> heard = ConcurrentHashMap.newKeySet();
          Dispatcher d = observer.createDispatcher(m -> heard.add(m.getSubject()));
          d.subscribe("ai.voice.transcription.>");
          observer.flush(Duration.ofSeconds(5));
          CountDownLatch go = new CountDownLatch(1);
          List<Future<Boolean>> sent = new ArrayList<>();
          try (ExecutorService sessions = Executors.newFixedThreadPool(SESSIONS)) {
            for (int i = 0; i < SESSIONS; i++) {
              String subject = "ai.voice.transcription.s" + i;
              sent.add(
                  sessions.submit(
                      () -> {
                        go.await();
                        return outputs.publish(subject, new Headers(), new byte[] {1});
                      }));
            }
            go.countDown();
            for (Future<Boolean> f : sent) {
              assertEquals(true, f.get());
            }
          }
          Await.until(
              () -> heard.size() == SESSIONS,
              Duration.ofSeconds(10),
              () -> heard.size() + " of " + SESSIONS + " sessions' messages arrived");
        } finally {
          observer.close();
        }
      }
    }
  }
}
