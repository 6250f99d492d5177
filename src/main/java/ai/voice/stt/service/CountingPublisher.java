package ai.voice.stt.service;

import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.session.OutputPublisher;

/** Counts every result, error and session end on its way out, then hands it on. */
final class CountingPublisher implements OutputPublisher {
  private final OutputPublisher next;
  private final ServiceStats stats;

  CountingPublisher(OutputPublisher next, ServiceStats stats) {
    this.next = next;
    this.stats = stats;
  }

  @Override
  public void publish(OutputMessage message) {
    switch (message) {
      case OutputMessage.Transcription t -> {
        stats.resultPublished();
        t.endReason().ifPresent(stats::sessionEnded);
      }
      case OutputMessage.Error e -> stats.errorPublished(e.code());
      case OutputMessage.Interrupt ignored -> {}
    }
    next.publish(message);
  }
}
