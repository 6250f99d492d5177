package ai.voice.stt.session;

import ai.voice.stt.protocol.OutputMessage;

/** Where sessions send results, interrupts and errors. Thread-safe. */
@FunctionalInterface
public interface OutputPublisher {
  void publish(OutputMessage message);

  /**
   * A result or interrupt whose checkpoint was committed as the session's output number {@code
   * output} (JetStream routing; 0 with one replica, where nothing is recorded). The transport
   * stamps the number on the message so that a replica taking over after a crash can tell whether
   * it left (docs/decisions/0012-replicas.md); clients see the same message either way.
   */
  default void publish(OutputMessage message, long output) {
    publish(message);
  }

  /**
   * Publishes a committed output and confirms the server has it (JetStream routing).
   *
   * @return false when it may not have got out; it will not arrive later either, so the session may
   *     find out and publish it again (docs/decisions/0012-replicas.md)
   */
  default boolean publishConfirmed(OutputMessage message, long output) {
    publish(message, output);
    return true;
  }

  /**
   * An answer to a message that reached no session (a rejected message, a refused session). With
   * replicas the results stream keeps it only for the session idle timeout, rather than as long as
   * a session's outputs: ids that never opened a session cannot fill the stream for hours.
   */
  default void publishReply(OutputMessage message) {
    publish(message);
  }
}
