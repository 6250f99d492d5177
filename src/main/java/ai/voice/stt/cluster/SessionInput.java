package ai.voice.stt.cluster;

import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One held session's input: an ordered consumer on its subject of the input stream. An ordered
 * consumer lives on the server that holds it and does not always come back by itself after that
 * server restarts or a JetStream leader moves, so the router starts a fresh one from the message
 * after the last one delivered after every reconnection, and whenever input was heard (every
 * replica hears every message on the input subjects) that the consumer has not delivered for a
 * while; a message the old and the new consumer both deliver is passed on once.
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
  // When a message was heard on the input subject that no delivery has followed yet (0: none).
  private volatile long undeliveredSince;
  private volatile boolean interruptionNoted;
  private final ReentrantLock restarting = new ReentrantLock();

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
    undeliveredSince = 0;
    interruptionNoted = false;
    deliver.accept(message);
  }

  /**
   * A fresh consumer from the message after the last one delivered (after a reconnection). A lock,
   * not a monitor: it is held across JetStream calls on a virtual thread.
   */
  void restart() throws IOException, JetStreamApiException {
    restarting.lock();
    try {
      if (stopped) {
        return;
      }
      MessageConsumer old = consumer;
      if (old != null) {
        old.stop();
      }
      undeliveredSince = 0;
      consumer = create();
    } finally {
      restarting.unlock();
    }
  }

  /** A message of the session was heard on the input subject at {@code nowNanos}. */
  void heard(long nowNanos) {
    if (undeliveredSince == 0) {
      undeliveredSince = nowNanos;
    }
  }

  /**
   * Whether the consumer has stalled: a message was heard {@code stallNanos} ago and nothing was
   * delivered since. (A message the consumer delivered just before its trigger was heard looks
   * undelivered too: that costs one needless restart, which delivers nothing twice.)
   */
  boolean stalled(long nowNanos, long stallNanos) {
    long since = undeliveredSince;
    return since != 0 && nowNanos - since > stallNanos;
  }

  /**
   * How long input heard on the subject has gone undelivered, once that is over {@code afterNanos}
   * (told once per episode: a delivery ends it). Called by one thread (the heartbeat tick).
   */
  OptionalLong interruptedFor(long nowNanos, long afterNanos) {
    long since = undeliveredSince;
    if (since == 0 || nowNanos - since <= afterNanos || interruptionNoted) {
      return OptionalLong.empty();
    }
    interruptionNoted = true;
    return OptionalLong.of(nowNanos - since);
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
