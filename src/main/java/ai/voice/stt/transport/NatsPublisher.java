package ai.voice.stt.transport;

import ai.voice.stt.config.SttConfig;
import ai.voice.stt.protocol.OutputEncoder;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.session.OutputPublisher;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.nats.client.support.NatsJetStreamConstants;
import java.time.Duration;

/**
 * Publishes output messages on {@code {prefix}.{session_id}}. jnats buffers outgoing messages while
 * reconnecting (see the reconnect buffer in {@link NatsConnector}), so a short outage does not lose
 * results. With JetStream routing every message names the replica that published it in the {@value
 * #REPLICA_HEADER} header, and a committed output carries its number in the {@value #OUTPUT_HEADER}
 * header (clients that do not read headers see the same messages).
 */
public final class NatsPublisher implements OutputPublisher {
  /** The header naming a committed output's number in its session (decisions/0012). */
  public static final String OUTPUT_HEADER = "Stt-Output";

  /** The header naming the replica that published a message (JetStream routing). */
  public static final String REPLICA_HEADER = "Stt-Replica";

  /**
   * JetStream's per-message TTL header: the results stream drops the message after it (NATS 2.11).
   */
  public static final String TTL_HEADER = NatsJetStreamConstants.MSG_TTL_HDR;

  private final Connection connection;
  private final SttConfig.Nats nats;
  private final String replicaId;
  private final String replyTtl;
  private final OutputConnection outputs;
  private final OutputEncoder encoder = new OutputEncoder();

  /**
   * @param replicaId this replica's id, stamped on every message; null with one replica (plain
   *     routing), whose messages carry no headers
   * @param outputs the connection replicated outputs leave on (never resumed, so nothing arrives
   *     late), or null with one replica: then {@code connection}, whose reconnect buffer keeps
   *     results through an outage
   * @param replyRetention how long the results stream keeps an answer to a message that reached no
   *     session ({@link #publishReply})
   */
  public NatsPublisher(
      Connection connection,
      SttConfig.Nats nats,
      String replicaId,
      OutputConnection outputs,
      Duration replyRetention) {
    this.connection = connection;
    this.nats = nats;
    this.replicaId = replicaId;
    this.outputs = outputs;
    this.replyTtl = Math.max(1, replyRetention.toSeconds()) + "s";
  }

  @Override
  public void publish(OutputMessage message) {
    publish(message, 0);
  }

  @Override
  public void publish(OutputMessage message, long output) {
    String subject = nats.outputSubject(message.sessionId());
    if (outputs != null) {
      send(subject, headers(output), message);
    } else if (replicaId == null && output <= 0) {
      connection.publish(subject, encoder.encode(message));
    } else {
      connection.publish(subject, headers(output), encoder.encode(message));
    }
  }

  /** With replicas, stamped with {@value #TTL_HEADER}: the results stream drops it after that. */
  @Override
  public void publishReply(OutputMessage message) {
    if (outputs == null) {
      publish(message, 0); // one replica: no results stream
      return;
    }
    Headers headers = headers(0);
    headers.put(TTL_HEADER, replyTtl);
    send(nats.outputSubject(message.sessionId()), headers, message);
  }

  private void send(String subject, Headers headers, OutputMessage message) {
    if (!outputs.publish(subject, headers, encoder.encode(message))) {
      throw new IllegalStateException("not connected to NATS: the message was dropped");
    }
  }

  @Override
  public boolean publishConfirmed(OutputMessage message, long output) {
    if (outputs == null) {
      publish(message, output);
      return true;
    }
    return outputs.publishConfirmed(
        nats.outputSubject(message.sessionId()), headers(output), encoder.encode(message));
  }

  private Headers headers(long output) {
    Headers headers = new Headers();
    if (replicaId != null) {
      headers.put(REPLICA_HEADER, replicaId);
    }
    if (output > 0) {
      headers.put(OUTPUT_HEADER, Long.toString(output));
    }
    return headers;
  }
}
