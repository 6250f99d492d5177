package ai.voice.stt.transport;

import ai.voice.stt.config.SttConfig;
import ai.voice.stt.protocol.OutputEncoder;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.session.OutputPublisher;
import io.nats.client.Connection;

/**
 * Publishes output messages on {@code {prefix}.{session_id}}. jnats buffers outgoing messages while
 * reconnecting (see the reconnect buffer in {@link NatsConnector}), so a short outage does not lose
 * results.
 */
public final class NatsPublisher implements OutputPublisher {
  private final Connection connection;
  private final SttConfig.Nats nats;
  private final OutputEncoder encoder = new OutputEncoder();

  public NatsPublisher(Connection connection, SttConfig.Nats nats) {
    this.connection = connection;
    this.nats = nats;
  }

  @Override
  public void publish(OutputMessage message) {
    connection.publish(nats.outputSubject(message.sessionId()), encoder.encode(message));
  }
}
