package ai.voice.stt.transport;

import ai.voice.stt.config.SttConfig;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the service's NATS connection: reconnects forever, logs every transition. */
public final class NatsConnector {
  private static final Logger log = LoggerFactory.getLogger(NatsConnector.class);
  // Results published during a reconnect are buffered, not lost (jnats default is 8 MiB).
  private static final long RECONNECT_BUFFER_BYTES = 64L << 20;

  private NatsConnector() {}

  /**
   * Connects, retrying in the background when no server is up yet, so the pod can start before NATS
   * does. Returns once the connection object exists; {@link Connection#getStatus()} tells whether
   * it is connected.
   */
  public static Connection connect(SttConfig.Nats nats, String name) throws IOException {
    Options options =
        Options.builder()
            .servers(nats.servers().toArray(String[]::new))
            .connectionName(name)
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(500))
            .reconnectBufferSize(RECONNECT_BUFFER_BYTES)
            .connectionListener(logTransitions())
            .errorListener(new ErrorListener() {})
            .build();
    try {
      return Nats.connectReconnectOnConnect(options);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while connecting to NATS", e);
    }
  }

  private static ConnectionListener logTransitions() {
    return (connection, event) -> {
      switch (event) {
        case CONNECTED, RECONNECTED, RESUBSCRIBED ->
            log.info("NATS {}: {}", event, connection.getConnectedUrl());
        case DISCONNECTED -> log.warn("NATS disconnected; reconnecting");
        case CLOSED -> log.info("NATS connection closed");
        default -> log.debug("NATS {}", event);
      }
    };
  }
}
