package ai.voice.stt.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.voice.stt.support.NatsProcess;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A client whose connection was down while its session published reads what it missed back from the
 * results stream and gets every message once, in order (real nats-server, killed and restarted with
 * its store).
 */
class CatchUpTest {

  @Test
  @SuppressWarnings("try") // Connection.close() may throw InterruptedException; the test throws it
  void whatWasPublishedWhileTheClientWasAwayIsReadBackInItsPlace() throws Exception {
    try (NatsProcess nats = NatsProcess.startJetStream();
        Connection publisher = connect(nats, Duration.ofMillis(50));
        Connection listener = connect(nats, Duration.ofSeconds(8))) {
      publisher
          .jetStreamManagement()
          .addStream(StreamConfiguration.builder().name("T_RESULTS").subjects("out.*").build());
      StreamClient client = new StreamClient(listener, "in", "out").catchingUpFrom("T_RESULTS");
      try (StreamClient.Session session = client.listen("s1", r -> {})) {
        deliverFirstResult(listener, publisher, session);

        nats.kill();
        nats.restart();
        // The publisher is back at once, the listener only after its 8 s reconnect wait: result 1
        // is stored while nobody listens.
        JetStream js = publisher.jetStream();
        storeWhenJetStreamIsBack(js, "out.s1", result(1, false));
        assertNotEquals(
            Connection.Status.CONNECTED, listener.getStatus(), "the listener is still away");

        awaitConnected(listener);
        publisher.publish("out.s1", result(2, true));

        List<Received> all = session.awaitEnd(Duration.ofSeconds(60));
        assertEquals(List.of(0L, 1L, 2L), all.stream().map(Received::sequence).toList(), "" + all);
      }
    }
  }

  @Test
  @SuppressWarnings("try") // Connection.close() may throw InterruptedException; the test throws it
  void withoutAResultsStreamAReconnectDoesNotHoldTheEnd() throws Exception {
    try (NatsProcess nats = NatsProcess.start();
        Connection publisher = connect(nats, Duration.ofMillis(50));
        Connection listener = connect(nats, Duration.ofMillis(50))) {
      StreamClient client = new StreamClient(listener, "in", "out").catchingUpFrom("T_RESULTS");
      try (StreamClient.Session session = client.listen("s1", r -> {})) {
        deliverFirstResult(listener, publisher, session);
        nats.kill();
        nats.restart();
        awaitConnected(listener);
        ServerRoundTrip.await(listener, Duration.ofSeconds(30));
        publisher.publish("out.s1", result(1, true));
        List<Received> all = session.awaitEnd(Duration.ofSeconds(10));
        assertEquals(List.of(0L, 1L), all.stream().map(Received::sequence).toList(), "" + all);
      }
    }
  }

  /** Result 0, published while both are connected and received before anything happens. */
  private static void deliverFirstResult(
      Connection listener, Connection publisher, StreamClient.Session session) throws Exception {
    listener.flush(Duration.ofSeconds(5));
    publisher.publish("out.s1", result(0, false));
    awaitReceived(session, 1);
  }

  private static void awaitConnected(Connection connection) {
    while (connection.getStatus() != Connection.Status.CONNECTED) {
      LockSupport.parkNanos(50_000_000L);
    }
  }

  private static void storeWhenJetStreamIsBack(JetStream js, String subject, byte[] payload)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
    while (true) {
      try {
        js.publish(subject, payload);
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("JetStream did not come back", e);
        }
        Thread.sleep(100);
      }
    }
  }

  private static void awaitReceived(StreamClient.Session session, int n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (session.received().size() < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not received: " + session.received());
      }
      LockSupport.parkNanos(10_000_000L);
    }
  }

  private static byte[] result(long sequence, boolean last) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "transcription");
    m.put("transcript", "utterance " + sequence);
    m.put("sequence", sequence);
    m.put("is_final", true);
    m.put("audio_start", 2.0 * sequence);
    m.put("audio_end", 2.0 * sequence + 1);
    m.put("end_of_stream", last);
    return Msgpack.pack(m);
  }

  private static Connection connect(NatsProcess nats, Duration reconnectWait) throws Exception {
    return Nats.connect(
        Options.builder()
            .server(nats.url())
            .maxReconnects(-1)
            .reconnectWait(reconnectWait)
            .errorListener(new ErrorListener() {})
            .build());
  }
}
