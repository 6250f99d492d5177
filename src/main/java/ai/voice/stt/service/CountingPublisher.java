package ai.voice.stt.service;

import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.session.OutputPublisher;
import ai.voice.stt.telemetry.SttMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every result, error, interrupt and session end on its way out, then hands it on. A message
 * the transport refuses (jnats' outgoing queue full after a very long outage, refused after the
 * short wait {@code NatsConnector} sets) is counted and logged rather than thrown into the session,
 * which goes on.
 */
final class CountingPublisher implements OutputPublisher {
  private static final Logger log = LoggerFactory.getLogger(CountingPublisher.class);
  private final OutputPublisher next;
  private final ServiceStats stats;
  private final SttMetrics metrics;

  CountingPublisher(OutputPublisher next, ServiceStats stats, SttMetrics metrics) {
    this.next = next;
    this.stats = stats;
    this.metrics = metrics;
  }

  @Override
  public void publish(OutputMessage message) {
    publish(message, 0);
  }

  @Override
  public boolean publishConfirmed(OutputMessage message, long output) {
    // Tried again until confirmed or taken over: counted once, when it is out.
    boolean out = next.publishConfirmed(message, output);
    if (out) {
      count(message);
    }
    return out;
  }

  private void count(OutputMessage message) {
    switch (message) {
      case OutputMessage.Transcription t -> {
        stats.resultPublished();
        t.endReason().ifPresent(stats::sessionEnded);
      }
      case OutputMessage.Error e -> stats.errorPublished(e.code());
      case OutputMessage.Interim ignored -> metrics.interim();
      case OutputMessage.Interrupt ignored -> metrics.interrupt();
      case OutputMessage.Turn ignored -> {}
    }
  }

  @Override
  public void publish(OutputMessage message, long output) {
    count(message);
    handOn(() -> next.publish(message, output));
  }

  @Override
  public void publishReply(OutputMessage message) {
    count(message);
    handOn(() -> next.publishReply(message));
  }

  private void handOn(Runnable publish) {
    try {
      publish.run();
    } catch (IllegalStateException e) {
      long failures = stats.publishFailed();
      if (failures == 1 || failures % 1_000 == 0) {
        log.warn(
            "could not publish to NATS ({} messages lost so far): {}", failures, e.getMessage());
      }
    }
  }
}
