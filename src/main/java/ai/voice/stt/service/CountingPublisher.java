package ai.voice.stt.service;

import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.session.OutputPublisher;
import ai.voice.stt.telemetry.SttMetrics;

/** Counts every result, error, interrupt and session end on its way out, then hands it on. */
final class CountingPublisher implements OutputPublisher {
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
    switch (message) {
      case OutputMessage.Transcription t -> {
        stats.resultPublished();
        t.endReason().ifPresent(stats::sessionEnded);
      }
      case OutputMessage.Error e -> {
        stats.errorPublished(e.code());
        metrics.error(e.code());
      }
      case OutputMessage.Interrupt ignored -> metrics.interrupt();
    }
    next.publish(message);
  }
}
