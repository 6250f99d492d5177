package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecentIdsTest {
  private static final long IDLE = 60;

  @Test
  void aRefusedSessionsLaterMessagesAreDroppedUntilAStartBeginsANewAttempt() {
    RecentIds refused = new RecentIds(IDLE, 10);
    assertEquals(
        RecentIds.Heard.UNKNOWN,
        refused.heard("a", 0),
        "never refused: handled like any unknown session");
    refused.remember("a", 0, true);
    assertEquals(RecentIds.Heard.AGAIN, refused.heard("a", 1));
    assertEquals(RecentIds.Heard.AGAIN, refused.heard("a", 2));
    refused.forget("a"); // a start
    assertEquals(RecentIds.Heard.UNKNOWN, refused.heard("a", 3), "a new attempt is decided afresh");
  }

  @Test
  void aRefusalIsForgottenOnceItsClientHasBeenSilentForTheIdleTimeout() {
    RecentIds refused = new RecentIds(IDLE, 10);
    refused.remember("a", 0, true);
    assertEquals(
        RecentIds.Heard.AGAIN,
        refused.heard("a", IDLE - 1),
        "heard within the timeout: still refused");
    assertEquals(
        RecentIds.Heard.AGAIN, refused.heard("a", 2 * IDLE - 2), "each message extends it");
    assertEquals(
        RecentIds.Heard.UNKNOWN,
        refused.heard("a", 3 * IDLE - 2),
        "silent for the idle timeout: forgotten");
    assertEquals(0, refused.size());
  }

  @Test
  void silentRefusalsAreForgottenAsOthersArriveSoMemoryStaysBounded() {
    RecentIds refused = new RecentIds(IDLE, 10);
    refused.remember("a", 0, true);
    refused.remember("b", IDLE / 2, true);
    refused.remember("c", IDLE, true);
    assertEquals(2, refused.size(), "a was silent for the idle timeout");
  }

  @Test
  void atTheCapTheRefusalHeardFromLeastRecentlyIsForgotten() {
    RecentIds refused = new RecentIds(IDLE, 2);
    refused.remember("a", 0, true);
    refused.remember("b", 1, true);
    assertEquals(RecentIds.Heard.AGAIN, refused.heard("a", 2), "a is now the most recently heard");
    refused.remember("c", 3, true);
    assertEquals(2, refused.size());
    assertEquals(
        RecentIds.Heard.UNKNOWN, refused.heard("b", 4), "b, heard least recently, made room");
    assertEquals(RecentIds.Heard.AGAIN, refused.heard("a", 4));
    assertEquals(RecentIds.Heard.AGAIN, refused.heard("c", 4));
  }

  @Test
  void anIdNotYetAnsweredIsAnsweredOnceThenDroppedQuietly() {
    RecentIds ids = new RecentIds(IDLE, 10);
    ids.remember("a", 0, false);
    assertEquals(RecentIds.Heard.FIRST, ids.heard("a", 1), "its client hears why, once");
    assertEquals(RecentIds.Heard.AGAIN, ids.heard("a", 2));
    assertEquals(RecentIds.Heard.AGAIN, ids.heard("a", 3));
    ids.remember("a", 4, false); // rejected again: the next message is answered again
    assertEquals(RecentIds.Heard.FIRST, ids.heard("a", 5));
  }
}
