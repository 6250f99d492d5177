package ai.voice.stt.session;

import ai.voice.stt.protocol.OutputMessage;

/** Where sessions send results, interrupts and errors. Thread-safe. */
@FunctionalInterface
public interface OutputPublisher {
  void publish(OutputMessage message);
}
