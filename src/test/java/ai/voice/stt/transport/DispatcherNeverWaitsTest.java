package ai.voice.stt.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.protocol.MessageDecoder;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.session.Backlog;
import ai.voice.stt.session.MailboxBounds;
import ai.voice.stt.session.SessionEnvironment;
import ai.voice.stt.session.SessionRegistry;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.StandInRecognizer;
import ai.voice.stt.telemetry.UtteranceRecorder;
import ai.voice.stt.vad.SpeechDetectorFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The NATS dispatcher thread hands messages on and never waits: answering bad input goes through
 * the output, and a publish can block (jnats waits up to its write-queue push timeout when its
 * outgoing queue is full). Here the output blocks outright; the dispatcher must still get through
 * every message, and every answer goes out, in order, once the output moves again.
 */
class DispatcherNeverWaitsTest {
  @Test
  void rejectionsDoNotBlockTheDispatcherWhenTheOutputIsStuck() throws Exception {
    CountDownLatch outputMoves = new CountDownLatch(1);
    ConcurrentLinkedQueue<OutputMessage> published = new ConcurrentLinkedQueue<>();
    SttConfig config = ConfigLoader.load(Map.of(), 2);
    ExecutorService actors = Executors.newVirtualThreadPerTaskExecutor();
    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    try (InferenceScheduler inference = new InferenceScheduler(StandInRecognizer.saying(""), 4)) {
      SessionRegistry registry =
          new SessionRegistry(
              SessionEnvironment.of(
                  config,
                  SpeechDetectorFactory.everythingIsSpeech(),
                  SpeechDetectorFactory.everythingIsSpeech(),
                  inference,
                  message -> {
                    try {
                      outputMoves.await(); // a full outgoing queue
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    published.add(message);
                  },
                  UtteranceRecorder.noop(),
                  actors,
                  timers,
                  MailboxBounds.DEFAULT,
                  new Backlog()));
      IngressHandler ingress = new IngressHandler(new MessageDecoder(64_000), registry);
      Thread dispatcher =
          Thread.ofPlatform()
              .name("dispatcher")
              .start(
                  () -> {
                    for (int i = 0; i < 20; i++) {
                      ingress.onMessage("ai.voice.stream.bad", new byte[] {(byte) 0xc1, (byte) i});
                    }
                  });
      dispatcher.join(TimeUnit.SECONDS.toMillis(10));
      assertTrue(!dispatcher.isAlive(), "the dispatcher got through while the output was stuck");
      outputMoves.countDown();
      Await.until(() -> published.size() == 20, Duration.ofSeconds(10), "every answer published");
      assertEquals(
          List.of("bad"), published.stream().map(OutputMessage::sessionId).distinct().toList());
    } finally {
      outputMoves.countDown();
      timers.shutdownNow();
      actors.close();
    }
  }
}
