package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.protocol.StreamMessage;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The conversation's state and the barge-in rule over it, frame by frame. */
class ConversationTest {
  private static final StreamMessage.Start RESPONDING =
      new StreamMessage.Start(
          16_000,
          1,
          SessionState.RESPONDING,
          Optional.of("bob"),
          Optional.empty(),
          Optional.empty());

  private static Conversation conversation(boolean interruptsEnabled) {
    return new Conversation(
        new InterruptDetector(3, 2), interruptsEnabled, SessionCheckpoint.fresh("", 0));
  }

  /** The index of the first frame that completes a barge-in, or -1. */
  private static int firstInterrupt(Conversation c, String frames) {
    for (int i = 0; i < frames.length(); i++) {
      if (c.frame(frames.charAt(i) == 'S')) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void speechWhileRespondingIsABargeInAndTheSessionListensFromThen() {
    Conversation c = conversation(true);
    assertTrue(c.start(RESPONDING));
    assertEquals(2, firstInterrupt(c, "SSSSSS"));
    assertEquals(SessionState.LISTENING, c.state());
    assertEquals(-1, firstInterrupt(c, "SSSSSS"), "listening: speech is no barge-in");
  }

  @Test
  void speechWhileListeningOrWithDetectionOffIsNoBargeIn() {
    Conversation listening = conversation(true);
    assertEquals(-1, firstInterrupt(listening, "SSSSSS"));
    Conversation off = conversation(false);
    off.start(RESPONDING);
    assertEquals(-1, firstInterrupt(off, "SSSSSS"));
    assertEquals(SessionState.RESPONDING, off.state());
  }

  @Test
  void aStateChangeOrAGapStartsTheVoicedRunAgain() {
    Conversation c = conversation(true);
    c.start(RESPONDING);
    assertEquals(-1, firstInterrupt(c, "SS"));
    c.gap();
    assertEquals(-1, firstInterrupt(c, "SS"), "the gap forgot the first two frames");
    c.change(SessionState.LISTENING);
    c.change(SessionState.RESPONDING);
    assertEquals(2, firstInterrupt(c, "SSS"), "a new state: three frames again");
  }

  @Test
  void aStartAfterAudioChangesNothing() {
    Conversation c = conversation(true);
    c.audioAccepted();
    assertFalse(c.start(RESPONDING));
    assertEquals(SessionState.LISTENING, c.state());
    assertEquals(Optional.empty(), c.settings().speakerId());
    assertTrue(c.receivedAudio());
  }
}
