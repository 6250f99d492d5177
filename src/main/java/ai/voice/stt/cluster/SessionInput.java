package ai.voice.stt.cluster;

import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * One held session's input: an ordered consumer on its subject of the input stream. An ordered
 * consumer lives on the server that holds it and does not always come back by itself after that
 * server restarts, so after every reconnection the router starts a fresh one from the message after
 * the last one delivered; a message the old and the new consumer both deliver is passed on once.
 */
final class SessionInput {
  private final StreamContext stream;
  private final String subject;
  private final Dispatcher dispatcher;
  private final Consumer<Message> deliver;
  // Written by the dispatcher's thread only (one for every session's input); read on restart.
  private volatile long lastDelivered;
  private volatile MessageConsumer consumer;
  private volatile boolean stopped;

  /**
   * @param fromSeq the first stream sequence to read (0: the subject's first message)
   */
  SessionInput(
      StreamContext stream,
      String subject,
      Dispatcher dispatcher,
      long fromSeq,
      Consumer<Message> deliver) {
    this.stream = stream;
    this.subject = subject;
    this.dispatcher = dispatcher;
    this.deliver = deliver;
    this.lastDelivered = Math.max(0, fromSeq - 1);
  }

  /** Starts reading. */
  SessionInput start() throws IOException, JetStreamApiException {
    consumer = create();
    return this;
  }

  private MessageConsumer create() throws IOException, JetStreamApiException {
    OrderedConsumerConfiguration c = new OrderedConsumerConfiguration().filterSubject(subject);
    if (lastDelivered > 0) {
      c.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(lastDelivered + 1);
    } else {
      c.deliverPolicy(DeliverPolicy.All);
    }
    return stream.createOrderedConsumer(c).consume(dispatcher, this::onMessage);
  }

  private void onMessage(Message message) {
    long seq = message.metaData().streamSequence();
    if (stopped || seq <= lastDelivered) {
      return;
    }
    lastDelivered = seq;
    deliver.accept(message);
  }

  /** A fresh consumer from the message after the last one delivered (after a reconnection). */
  synchronized void restart() throws IOException, JetStreamApiException {
    if (stopped) {
      return;
    }
    MessageConsumer old = consumer;
    if (old != null) {
      old.stop();
    }
    consumer = create();
  }

  /** The session left this replica: nothing more is delivered. */
  void stop() {
    stopped = true;
    MessageConsumer c = consumer;
    if (c != null) {
      c.stop();
    }
  }
}
