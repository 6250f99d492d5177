package ai.voice.stt.session;

import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.protocol.StreamMessage;

/**
 * The conversation a session belongs to: the client's start settings, whether the assistant is
 * listening or responding, and the barge-in rule over that state. A pure policy (no clock, no
 * threads), fed one classified frame at a time like {@link Segmenter}.
 */
final class Conversation {
  private final InterruptDetector interrupts;
  private final boolean interruptsEnabled;
  private StreamMessage.Start settings;
  private SessionState state;
  private boolean receivedAudio;

  /**
   * @param interruptsEnabled whether barge-in is detected at all ({@code
   *     STT_ENABLE_INTERRUPT_DETECTION})
   * @param from where the session stands (a new session, or one carried on from another replica)
   */
  Conversation(InterruptDetector interrupts, boolean interruptsEnabled, SessionCheckpoint from) {
    this.interrupts = interrupts;
    this.interruptsEnabled = interruptsEnabled;
    this.settings = from.settings();
    this.state = from.state();
    this.receivedAudio = from.receivedAudio();
  }

  /**
   * A {@code start} message: its settings apply until the session ends.
   *
   * @return false when audio came first: the format can no longer change, nothing applies
   */
  boolean start(StreamMessage.Start start) {
    if (receivedAudio) {
      return false;
    }
    settings = start;
    state = start.state();
    return true;
  }

  /** Audio was accepted: the format is fixed from now on. */
  void audioAccepted() {
    receivedAudio = true;
  }

  /**
   * One classified frame of the user's audio.
   *
   * @return true on the frame that makes the user's voiced run a barge-in; the assistant is
   *     listening from then on
   */
  boolean frame(boolean speech) {
    if (state != SessionState.RESPONDING || !interruptsEnabled) {
      return false;
    }
    if (!interrupts.onFrame(speech)) {
      return false;
    }
    state = SessionState.LISTENING;
    return true;
  }

  /** A {@code state_change}: a new state starts a new voiced run. */
  void change(SessionState newState) {
    if (newState != state) {
      interrupts.reset();
    }
    state = newState;
  }

  /** Audio is missing here (refused): a voiced run does not continue across it. */
  void gap() {
    interrupts.reset();
  }

  StreamMessage.Start settings() {
    return settings;
  }

  SessionState state() {
    return state;
  }

  boolean receivedAudio() {
    return receivedAudio;
  }
}
