package ai.voice.stt.service;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Msgpack;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import io.nats.client.Subscription;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A start-up that fails part-way (here the health port is taken) closes everything it had started:
 * no subscription keeps taking sessions, and no timer, inference or guard thread stays behind.
 */
class FailedStartTest {
  private static final List<String> SERVICE_THREADS =
      List.of("session-timers", "inference-", "replica-guard");

  @Test
  void aFailedStartLeavesNoSubscriptionOrThreadBehind() throws Exception {
    try (NatsProcess nats = NatsProcess.start();
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SttConfig config =
          ConfigLoader.load(
              Map.of(
                  "NATS_URL", nats.url(),
                  "STT_MODEL_PATH", TestData.model().toString(),
                  "STT_HEALTH_PORT", Integer.toString(taken.getLocalPort()),
                  "OTEL_ENABLED", "false"),
              2);
      assertThrows(IOException.class, () -> SttService.start(config));

      Connection client = nats.connect();
      try {
        Subscription answers = client.subscribe("ai.voice.transcription.leak");
        client.publish("ai.voice.stream.leak", Msgpack.pack(Map.of("type", "nonsense")));
        client.flush(Duration.ofSeconds(5));
        // A service still subscribed would answer this invalid message with an error at once.
        assertTrue(answers.nextMessage(Duration.ofMillis(700)) == null, "no one took the message");
      } finally {
        client.close();
      }
      Await.until(
          () -> serviceThreads().isEmpty(),
          Duration.ofSeconds(10),
          () -> "threads left behind: " + serviceThreads());
    }
  }

  private static List<String> serviceThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> SERVICE_THREADS.stream().anyMatch(name::startsWith))
        .toList();
  }
}
