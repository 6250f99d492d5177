package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RefusedSessionsTest {
  private static final long IDLE = 60;

  @Test
  void aRefusedSessionsLaterMessagesAreDroppedUntilAStartBeginsANewAttempt() {
    RefusedSessions refused = new RefusedSessions(IDLE, 10);
    assertFalse(refused.heard("a", 0), "never refused: handled like any unknown session");
    refused.refused("a", 0);
    assertTrue(refused.heard("a", 1));
    assertTrue(refused.heard("a", 2));
    refused.forget("a"); // a start
    assertFalse(refused.heard("a", 3), "a new attempt is decided afresh");
  }

  @Test
  void aRefusalIsForgottenOnceItsClientHasBeenSilentForTheIdleTimeout() {
    RefusedSessions refused = new RefusedSessions(IDLE, 10);
    refused.refused("a", 0);
    assertTrue(refused.heard("a", IDLE - 1), "heard within the timeout: still refused");
    assertTrue(refused.heard("a", 2 * IDLE - 2), "each message extends it");
    assertFalse(refused.heard("a", 3 * IDLE - 2), "silent for the idle timeout: forgotten");
    assertEquals(0, refused.size());
  }

  @Test
  void silentRefusalsAreForgottenAsOthersArriveSoMemoryStaysBounded() {
    RefusedSessions refused = new RefusedSessions(IDLE, 10);
    refused.refused("a", 0);
    refused.refused("b", IDLE / 2);
    refused.refused("c", IDLE);
    assertEquals(2, refused.size(), "a was silent for the idle timeout");
  }

  @Test
  void atTheCapTheRefusalHeardFromLeastRecentlyIsForgotten() {
    RefusedSessions refused = new RefusedSessions(IDLE, 2);
    refused.refused("a", 0);
    refused.refused("b", 1);
    assertTrue(refused.heard("a", 2), "a is now the most recently heard");
    refused.refused("c", 3);
    assertEquals(2, refused.size());
    assertFalse(refused.heard("b", 4), "b, heard least recently, made room");
    assertTrue(refused.heard("a", 4));
    assertTrue(refused.heard("c", 4));
  }
}
