package ai.voice.stt.protocol;

/** An input message broke the wire contract; becomes an {@code error} output message. */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;
  private final boolean rejectedStart;

  public ProtocolException(ErrorCode code, String message) {
    this(code, message, false);
  }

  private ProtocolException(ErrorCode code, String message, boolean rejectedStart) {
    super(message);
    this.code = code;
    this.rejectedStart = rejectedStart;
  }

  public ErrorCode code() {
    return code;
  }

  /**
   * Whether the message was a {@code start} (its {@code type} said so) that was rejected: the
   * session's audio is then refused until a valid {@code start} arrives (docs/protocol.md).
   */
  public boolean rejectedStart() {
    return rejectedStart;
  }

  /** The same failure, known to be a {@code start}'s. */
  ProtocolException ofStart() {
    return rejectedStart ? this : new ProtocolException(code, getMessage(), true);
  }
}
