package ai.voice.stt.transport;

import ai.voice.stt.config.SttConfig;
import ai.voice.stt.protocol.OutputEncoder;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.session.OutputPublisher;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;

/**
 * Publishes output messages on {@code {prefix}.{session_id}}. jnats buffers outgoing messages while
 * reconnecting (see the reconnect buffer in {@link NatsConnector}), so a short outage does not lose
 * results. A committed output (JetStream routing) carries its number in the {@value #OUTPUT_HEADER}
 * header.
 */
public final class NatsPublisher implements OutputPublisher {
  /** The header naming a committed output's number in its session (decisions/0012). */
  public static final String OUTPUT_HEADER = "Stt-Output";

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

  @Override
  public void publish(OutputMessage message, long output) {
    if (output <= 0) {
      publish(message);
      return;
    }
    connection.publish(
        nats.outputSubject(message.sessionId()),
        new Headers().put(OUTPUT_HEADER, Long.toString(output)),
        encoder.encode(message));
  }
}
