package ai.voice.stt.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.NatsProcess;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the service publishes while NATS is away is buffered by jnats and sent on reconnect. jnats
 * bounds that buffer twice: by bytes (the reconnect buffer) and by message count (its outgoing
 * queue, 5,000 by default, which a publish waits on and then fails). Results are 0.2-0.6 KB, so
 * with the defaults the count, not the 64 MiB, is the real limit: about 5,000 results. The service
 * sizes the count to match the bytes; this publishes 20,000 result-sized messages during an outage
 * and finds every one after the restart (a stream on the output subjects records them).
 */
class OutageBufferTest {
  private static final int MESSAGES = 20_000;
  private static final int RESULT_BYTES = 560; // a two-line final result, measured

  @Test
  void resultsPublishedDuringAnOutageAreKeptWellBeyondJnatsDefaultCount() throws Exception {
    try (NatsProcess nats = NatsProcess.startJetStream()) {
      Connection observer = nats.connect();
      try {
        JetStreamManagement jsm = observer.jetStreamManagement();
        jsm.addStream(
            StreamConfiguration.builder()
                .name("OUTPUT")
                .subjects("ai.voice.transcription.>")
                .storageType(StorageType.File)
                .build());
      } finally {
        observer.close();
      }
      SttConfig config = ConfigLoader.load(Map.of("NATS_URL", nats.url()), 2);
      Connection service = NatsConnector.connect(config.nats(), "outage-test", quiet());
      try {
        nats.kill();
        Await.until(
            () -> service.getStatus() != Connection.Status.CONNECTED,
            Duration.ofSeconds(10),
            "disconnected");
        byte[] result = new byte[RESULT_BYTES];
        for (int i = 0; i < MESSAGES; i++) {
          service.publish("ai.voice.transcription.s" + (i % 50), result);
        }
        nats.restart();
        Await.until(
            () -> service.getStatus() == Connection.Status.CONNECTED,
            Duration.ofSeconds(30),
            "reconnected");
        service.flush(Duration.ofSeconds(30));
      } finally {
        service.close();
      }
      Connection check = nats.connect();
      try {
        JetStreamManagement jsm = check.jetStreamManagement();
        Await.until(
            () -> messages(jsm) == MESSAGES,
            Duration.ofSeconds(30),
            () -> messages(jsm) + " of " + MESSAGES + " recorded");
        assertEquals(MESSAGES, messages(jsm));
      } finally {
        check.close();
      }
    }
  }

  /**
   * Once the outgoing queue holds its 100,000 messages, a further publish fails; jnats first waits
   * for room up to its write-queue push timeout (2 s by default), and the session thread that
   * publishes waits with it. The service sets a short timeout: the refused message is counted as
   * lost (CountingPublisher) and the session goes on instead of stalling 2 s per result.
   */
  @Test
  void aPublishIntoTheFullOutgoingQueueFailsWithinAShortWait() throws Exception {
    try (NatsProcess nats = NatsProcess.start()) {
      SttConfig config = ConfigLoader.load(Map.of("NATS_URL", nats.url()), 2);
      Connection service = NatsConnector.connect(config.nats(), "full-queue-test", quiet());
      try {
        nats.kill(); // nothing drains the queue during an outage
        Await.until(
            () -> service.getStatus() != Connection.Status.CONNECTED,
            Duration.ofSeconds(10),
            "disconnected");
        byte[] small = new byte[16]; // far from the reconnect buffer's 64 MiB
        int accepted = 0;
        try {
          for (; accepted < 200_000; accepted++) {
            service.publish("ai.voice.transcription.s" + (accepted % 50), small);
          }
        } catch (IllegalStateException full) {
          // the count bound, reached first
        }
        assertEquals(100_000, accepted, "messages the outgoing queue held");

        long began = System.nanoTime();
        assertThrows(
            IllegalStateException.class,
            () -> service.publish("ai.voice.transcription.s0", small),
            "a publish into the full queue fails");
        Duration waited = Duration.ofNanos(System.nanoTime() - began);
        assertTrue(
            waited.compareTo(Duration.ofMillis(750)) < 0,
            "the publish failed after " + waited + ", not after jnats' default 2 s");
      } finally {
        service.close();
      }
    }
  }

  private static long messages(JetStreamManagement jsm) {
    try {
      return jsm.getStreamInfo("OUTPUT").getStreamState().getMsgCount();
    } catch (Exception e) {
      return -1;
    }
  }

  private static ConnectionListener quiet() {
    return (connection, event) -> {};
  }
}
