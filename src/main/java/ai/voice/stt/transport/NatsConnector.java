package ai.voice.stt.transport;

import ai.voice.stt.config.ConfigException;
import ai.voice.stt.config.NatsSecurity;
import ai.voice.stt.config.Secret;
import ai.voice.stt.config.SttConfig;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the service's NATS connection: reconnects forever, logs every transition. */
public final class NatsConnector {
  private static final Logger log = LoggerFactory.getLogger(NatsConnector.class);
  // Results published during a reconnect are buffered, not lost (jnats default is 8 MiB).
  private static final long RECONNECT_BUFFER_BYTES = 64L << 20;
  // jnats also bounds its outgoing queue by message count (5,000 by default; a publish then waits
  // and fails), and that bound is reached first: results are 0.2-0.6 KB (measured: 557 bytes for
  // a two-line final, 326 for an empty last result, 220 for an error), so 5,000 of them are about
  // 3 MiB. 100,000 messages of ~0.6 KB match the byte bound: at 256 sessions that is about ten
  // minutes of results (OutageBufferTest publishes 20,000 during an outage and finds all).
  private static final int OUTGOING_QUEUE_MESSAGES = 100_000;
  // A publish into that queue when it is full waits for room up to this long, then fails; the
  // session's mailbox thread waits with it, and CountingPublisher counts the message as lost.
  // jnats' default is 2 s (measured: 2.002 s, OutageBufferTest): a session blocked 2 s per
  // result stops taking its audio, and its 1,000-task mailbox (20 s of chunks) overflows. A full
  // queue during an outage does not drain however long one waits; while connected the writer
  // takes a batch off in milliseconds. 100 ms covers the second and costs a session little in
  // the first (jnats' floor is 50 ms).
  private static final Duration WRITE_QUEUE_PUSH_TIMEOUT = Duration.ofMillis(100);

  private NatsConnector() {}

  /**
   * Connects, retrying in the background when no server is up yet, so the pod can start before NATS
   * does. Returns once the connection object exists; {@link Connection#getStatus()} tells whether
   * it is connected.
   *
   * @param observer told of every connection event after it is logged
   */
  public static Connection connect(SttConfig.Nats nats, String name, ConnectionListener observer)
      throws IOException {
    Options.Builder builder =
        Options.builder()
            .servers(nats.servers().toArray(String[]::new))
            .connectionName(name)
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(500))
            .reconnectBufferSize(RECONNECT_BUFFER_BYTES)
            .maxMessagesInOutgoingQueue(OUTGOING_QUEUE_MESSAGES)
            .writeQueuePushTimeout(WRITE_QUEUE_PUSH_TIMEOUT)
            .connectionListener(new LoggingListener(observer))
            .errorListener(logErrors());
    Options options = secure(builder, nats.security()).build();
    try {
      return Nats.connectReconnectOnConnect(options);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while connecting to NATS", e);
    }
  }

  /**
   * Options for a connection that is never resumed (replicated outputs, {@link OutputConnection}):
   * when it drops it closes, and what it still held goes with it instead of arriving late.
   */
  static Options oneShot(SttConfig.Nats nats, String name, Collection<String> servers) {
    Options.Builder builder =
        Options.builder()
            .servers(servers.toArray(String[]::new))
            .connectionName(name)
            .connectionTimeout(Duration.ofSeconds(2))
            .maxReconnects(0)
            .reconnectBufferSize(0)
            .maxMessagesInOutgoingQueue(OUTGOING_QUEUE_MESSAGES)
            .writeQueuePushTimeout(WRITE_QUEUE_PUSH_TIMEOUT)
            .errorListener(logErrors());
    return secure(builder, nats.security()).build();
  }

  /**
   * Applies the configured authentication and TLS to {@code builder}; the service and the {@code
   * stt stream} client share it, so both reach a secured server with the same {@code NATS_*}
   * variables.
   */
  public static Options.Builder secure(Options.Builder builder, NatsSecurity security) {
    authenticate(builder, security.auth());
    security.tls().ifPresent(tls -> builder.sslContext(PemTls.context(tls)));
    return builder;
  }

  /** Applies the one configured way of authenticating (secrets go to jnats as char arrays). */
  private static void authenticate(Options.Builder builder, NatsSecurity.Auth auth) {
    switch (auth) {
      case NatsSecurity.Auth.None ignored -> {}
      case NatsSecurity.Auth.UserPassword up ->
          builder.userInfo(up.user().toCharArray(), up.password().value().toCharArray());
      case NatsSecurity.Auth.Token token -> builder.token(token.token().value().toCharArray());
      case NatsSecurity.Auth.NKeySeed seed -> {
        requireUserSeed(seed.seed());
        builder.authHandler(Nats.staticCredentials(null, seed.seed().value().toCharArray()));
      }
      case NatsSecurity.Auth.CredsFile creds ->
          builder.authHandler(Nats.credentials(creds.path().toString()));
    }
  }

  /** The loader checked the seed's shape; this checks its checksum, naming no value. */
  private static void requireUserSeed(Secret seed) {
    try {
      NKey key = NKey.fromSeed(seed.value().toCharArray());
      if (key.getType() != NKey.Type.USER) {
        throw new ConfigException("Invalid NATS_NKEY_SEED: not a user seed.");
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ConfigException("Invalid NATS_NKEY_SEED: not a valid NKey seed (bad checksum).");
    }
  }

  /** Logs each transition (server URLs without credentials), then tells the observer. */
  private record LoggingListener(ConnectionListener observer) implements ConnectionListener {
    @Override
    @SuppressWarnings("deprecation")
    public void connectionEvent(Connection connection, Events event) {
      connectionEvent(connection, event, null, null);
    }

    @Override
    public void connectionEvent(Connection connection, Events event, Long time, String uri) {
      switch (event) {
        case CONNECTED, RESUBSCRIBED ->
            log.info("NATS {}: {}", event, SttConfig.Nats.redact(connection.getConnectedUrl()));
        case CLOSED -> log.info("NATS connection closed");
        // DISCONNECTED and RECONNECTED are logged with the outage's length by the service.
        default -> log.debug("NATS {}", event);
      }
      observer.connectionEvent(connection, event, time, uri);
    }
  }

  /** jnats reports server errors (e.g. an authorization violation) here; they name no secret. */
  private static ErrorListener logErrors() {
    return new ErrorListener() {
      @Override
      public void errorOccurred(Connection connection, String error) {
        log.warn("NATS server error: {}", error);
      }

      @Override
      public void exceptionOccurred(Connection connection, Exception exception) {
        log.debug("NATS connection exception: {}", exception.toString());
      }

      @Override
      public void slowConsumerDetected(Connection connection, io.nats.client.Consumer consumer) {
        log.warn("NATS slow consumer: input messages are being dropped by the client library");
      }
    };
  }
}
