package ai.voice.stt.client;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.time.Duration;

/**
 * Proves the server has processed everything a connection sent so far (its subscriptions, after a
 * reconnect, among them): a message published to a subscription of the connection's own comes back.
 * The server handles one connection's protocol in order, so the probe's return covers all that came
 * before it. {@code flush()} says the same with a PING, but a PING can be lost while jnats switches
 * from its reconnect queue to its outgoing one, and then the flush fails however healthy the server
 * is (seen once in a fresh-clone CI run on a busy machine); a lost probe is simply sent again. Used
 * by {@link StreamClient} before it reads back what it missed, and by tests.
 */
public final class ServerRoundTrip {
  private ServerRoundTrip() {}

  /**
   * @throws IllegalStateException when no probe came back within {@code timeout}
   */
  public static void await(Connection connection, Duration timeout) throws InterruptedException {
    // An inbox: the subjects a client may always use for replies, even with narrow permissions.
    String subject = connection.createInbox();
    Subscription probe = connection.subscribe(subject);
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        connection.publish(subject, new byte[0]);
        Message back = probe.nextMessage(Duration.ofMillis(500));
        if (back != null) {
          return;
        }
      }
      throw new IllegalStateException("no round trip through the server within " + timeout);
    } finally {
      probe.unsubscribe();
    }
  }
}
