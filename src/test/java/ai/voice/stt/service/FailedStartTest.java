package ai.voice.stt.service;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Msgpack;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.StandInRecognizer;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import io.nats.client.Subscription;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A start-up that fails part-way (the health port is taken, or an {@link Error} is thrown) closes
 * everything it had started: no subscription keeps taking sessions, and no timer, inference or
 * guard thread stays behind.
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
      assertNothingLeftBehind(nats);
    }
  }

  /**
   * An Error is neither an IOException nor a RuntimeException (an UnsatisfiedLinkError from a
   * native library, an ExceptionInInitializerError): start-up undoes everything all the same, and
   * the caller gets that very Error. Here the recognizer throws it when the start-up banner asks it
   * to describe itself, the last step, when the connection, subscription and threads all exist.
   */
  @Test
  void anErrorDuringStartUndoesEverythingAndReachesTheCaller() throws Exception {
    try (NatsProcess nats = NatsProcess.start()) {
      SttConfig config =
          ConfigLoader.load(
              Map.of(
                  "NATS_URL",
                  nats.url(),
                  "STT_MODEL_PATH",
                  TestData.model().toString(),
                  "STT_HEALTH_PORT",
                  "0",
                  "OTEL_ENABLED",
                  "false"),
              2);
      Error failure = new UnsatisfiedLinkError("stand-in for a native library that fails to link");
      AtomicBoolean closed = new AtomicBoolean();
      Recognizer failing =
          new Recognizer() {
            @Override
            public Transcript transcribe(float[] samples, Optional<String> language) {
              return StandInRecognizer.heard("unused");
            }

            @Override
            public int maxConcurrency() {
              return 1;
            }

            @Override
            public String describe() {
              throw failure;
            }

            @Override
            public void close() {
              closed.set(true);
            }
          };

      Error thrown = assertThrows(Error.class, () -> SttService.start(config, failing));

      assertSame(failure, thrown);
      assertTrue(closed.get(), "the recognizer handed to start was closed");
      assertNothingLeftBehind(nats);
    }
  }

  private static void assertNothingLeftBehind(NatsProcess nats) throws Exception {
    Connection client = nats.connect();
    try {
      Subscription answers = client.subscribe("ai.voice.transcription.leak");
      client.publish("ai.voice.stream.leak", Msgpack.pack(Map.of("type", "nonsense")));
      client.flush(Duration.ofSeconds(5));
      // A service still subscribed would answer this invalid message with an error at once.
      assertNull(answers.nextMessage(Duration.ofMillis(700)), "no one took the message");
    } finally {
      client.close();
    }
    Await.until(
        () -> serviceThreads().isEmpty(),
        Duration.ofSeconds(10),
        () -> "threads left behind: " + serviceThreads());
  }

  private static List<String> serviceThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> SERVICE_THREADS.stream().anyMatch(name::startsWith))
        .toList();
  }
}
