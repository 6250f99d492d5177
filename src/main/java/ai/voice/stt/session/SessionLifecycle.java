package ai.voice.stt.session;

/**
 * A session's lifecycle as a pure state machine (no clock, no threads):
 *
 * <pre>
 *   OPEN ──end──────────► CLOSING ──last result out──► CLOSED
 *     │                      ▲
 *     │                      └── a task failed (internal_error), from any live phase
 *     └──hand over──► HANDING_OVER ──nothing at the recognizer──► GONE
 *   any live phase ──another replica took the session (fenced)──► GONE
 * </pre>
 *
 * A session takes its input only while {@code OPEN}; one handing over ignores it (the next owner
 * replays it); a closing one answers it with {@code session_closing}.
 */
final class SessionLifecycle {
  enum Phase {
    OPEN,
    HANDING_OVER,
    CLOSING,
    CLOSED,
    GONE
  }

  private Phase phase = Phase.OPEN;
  private String endReason = "end";

  Phase phase() {
    return phase;
  }

  /** Takes input, cuts utterances and publishes interims. */
  boolean open() {
    return phase == Phase.OPEN;
  }

  boolean handingOver() {
    return phase == Phase.HANDING_OVER;
  }

  boolean closing() {
    return phase == Phase.CLOSING;
  }

  /**
   * The input is this replica's to handle: applied while open, answered ({@code session_closing})
   * once ending or ended; ignored once the session goes to another replica, which replays it.
   */
  boolean handlesInput() {
    return phase != Phase.HANDING_OVER && phase != Phase.GONE;
  }

  /** Utterances go to the recognizer: open or closing (its last ones), not handing over. */
  boolean recognizes() {
    return phase == Phase.OPEN || phase == Phase.CLOSING;
  }

  /** Not yet closed or gone: a result coming back still belongs here. */
  boolean live() {
    return phase != Phase.CLOSED && phase != Phase.GONE;
  }

  /**
   * The client's {@code end} or a limit: the session closes once its last result is out.
   *
   * @return false when it was not open (ending, ended, or going to another replica)
   */
  boolean end(String reason) {
    if (phase != Phase.OPEN) {
      return false;
    }
    phase = Phase.CLOSING;
    endReason = reason;
    return true;
  }

  /**
   * The replica stops: the session is to move to another one.
   *
   * @return false when it was not open (a closing session finishes here)
   */
  boolean handOver() {
    if (phase != Phase.OPEN) {
      return false;
    }
    phase = Phase.HANDING_OVER;
    return true;
  }

  /**
   * A task of the session threw: it closes with {@code internal_error}.
   *
   * @return false when it was already closed or gone
   */
  boolean failed() {
    if (!live()) {
      return false;
    }
    phase = Phase.CLOSING;
    endReason = "internal_error";
    return true;
  }

  /** Its last result is out. */
  void closed() {
    phase = Phase.CLOSED;
  }

  /** Handed over, or taken by another replica: nothing more is published from here. */
  void gone() {
    phase = Phase.GONE;
  }

  /** The reason its last result gives ({@code end} until something else ended it). */
  String endReason() {
    return endReason;
  }
}
