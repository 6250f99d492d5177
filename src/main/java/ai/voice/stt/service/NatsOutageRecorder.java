package ai.voice.stt.service;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures NATS outages: logs when the link breaks and, on reconnection, how long it was down, and
 * records both in {@link ServiceStats}. Sessions are not touched: they keep their audio and go on
 * transcribing while results wait in the connection's reconnect buffer.
 */
final class NatsOutageRecorder implements ConnectionListener {
  private static final Logger log = LoggerFactory.getLogger(NatsOutageRecorder.class);
  private final ServiceStats stats;

  NatsOutageRecorder(ServiceStats stats) {
    this.stats = stats;
  }

  /** jnats calls the four-argument form; this one only satisfies the interface. */
  @Override
  @SuppressWarnings("deprecation")
  public void connectionEvent(Connection connection, Events event) {
    connectionEvent(connection, event, null, null);
  }

  @Override
  public void connectionEvent(Connection connection, Events event, Long time, String uri) {
    switch (event) {
      case DISCONNECTED -> {
        if (stats.natsDisconnected(System.nanoTime())) {
          log.warn("NATS disconnected; reconnecting, results are kept in the reconnect buffer");
        }
      }
      case RECONNECTED -> {
        Duration outage = stats.natsReconnected(System.nanoTime());
        log.warn(
            "NATS reconnected after {} s disconnected (outages so far: {}, {} s in total)",
            String.format(java.util.Locale.ROOT, "%.3f", outage.toNanos() / 1e9),
            stats.natsReconnects(),
            String.format(
                java.util.Locale.ROOT,
                "%.3f",
                stats.natsDisconnectedTotal(System.nanoTime()).toNanos() / 1e9));
      }
      default -> {}
    }
  }
}
