package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.session.SessionLifecycle.Phase;
import org.junit.jupiter.api.Test;

/** The session's lifecycle, transition by transition. */
class SessionLifecycleTest {
  @Test
  void anEndedSessionClosesWithItsReasonAndAnswersLateInputAsClosing() {
    SessionLifecycle life = new SessionLifecycle();
    assertTrue(life.open() && life.handlesInput());
    assertTrue(life.end("idle_timeout"));
    assertEquals(Phase.CLOSING, life.phase());
    assertTrue(life.handlesInput(), "late input is answered (session_closing), not ignored");
    assertFalse(life.end("end"), "the first reason stays");
    assertEquals("idle_timeout", life.endReason());
    assertTrue(life.recognizes(), "its last utterances are still recognised");
    life.closed();
    assertFalse(life.live());
    assertTrue(life.handlesInput(), "a message after the end is still answered");
  }

  @Test
  void aSessionHandedOverIgnoresItsInputAndCannotBeEnded() {
    SessionLifecycle life = new SessionLifecycle();
    assertTrue(life.handOver());
    assertTrue(life.handingOver() && life.live());
    assertFalse(life.handlesInput(), "the next owner replays it");
    assertFalse(life.recognizes(), "what was not recognised yet is the next owner's too");
    assertFalse(life.end("end"), "ending it is the next owner's business");
    life.gone();
    assertFalse(life.live());
  }

  @Test
  void aClosingSessionIsNotHandedOver() {
    SessionLifecycle life = new SessionLifecycle();
    life.end("end");
    assertFalse(life.handOver(), "its last result is nearly out: it finishes here");
    assertTrue(life.closing());
  }

  @Test
  void aFailureClosesAnyLiveSessionWithInternalErrorButNotAClosedOne() {
    SessionLifecycle handing = new SessionLifecycle();
    handing.handOver();
    assertTrue(handing.failed());
    assertEquals(Phase.CLOSING, handing.phase());
    assertEquals("internal_error", handing.endReason());
    SessionLifecycle closed = new SessionLifecycle();
    closed.end("end");
    closed.closed();
    assertFalse(closed.failed());
    assertEquals("end", closed.endReason());
  }
}
