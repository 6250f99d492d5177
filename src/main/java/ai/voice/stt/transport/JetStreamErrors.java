package ai.voice.stt.transport;

/** The JetStream API error codes this service acts on (nats-server's {@code err_code}s). */
public final class JetStreamErrors {
  /**
   * No message found: a stream, or a subject of it, holds nothing at or past the sequence asked.
   */
  public static final int NO_MESSAGE = 10037;

  /** Stream not found. */
  public static final int NO_STREAM = 10059;

  /** Wrong last sequence: a compare-and-set write (KV update) found another revision. */
  public static final int WRONG_LAST_SEQUENCE = 10071;

  private JetStreamErrors() {}
}
