package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * The mailbox's admission: audio by bytes, control messages by their own count, the service's own
 * tasks always. Run on an executor the test steps by hand: no threads, no clocks.
 */
class MailboxTest {
  private final ArrayDeque<Runnable> drains = new ArrayDeque<>();
  private final Executor byHand = drains::add;
  private final List<String> ran = new ArrayList<>();

  private Mailbox mailbox(MailboxBounds bounds) {
    return new Mailbox(byHand, bounds, "test", failure -> ran.add("failed"));
  }

  private Runnable note(String name) {
    return () -> ran.add(name);
  }

  private void runQueued() {
    while (!drains.isEmpty()) {
      drains.poll().run();
    }
  }

  @Test
  void theDefaultHoldsTwentySecondsOfTheLargestFormat() {
    assertEquals(20 * 48_000 * 2 * 2, MailboxBounds.DEFAULT.audioBytes());
    assertTrue(MailboxBounds.DEFAULT.controlMessages() >= 1_000, "far above a real client");
  }

  @Test
  void audioIsAdmittedUpToItsBytes() {
    MailboxBounds bounds = new MailboxBounds(1_000, 10);
    assertTrue(bounds.admitsAudio(0, 600));
    assertTrue(bounds.admitsAudio(600, 400), "exactly full");
    assertFalse(bounds.admitsAudio(600, 401));
    assertTrue(bounds.admitsAudio(0, 5_000), "an empty mailbox takes a chunk however large");
    assertFalse(bounds.admitsAudio(5_000, 0));
  }

  @Test
  void controlIsAdmittedUpToItsCount() {
    MailboxBounds bounds = new MailboxBounds(1_000, 2);
    assertTrue(bounds.admitsControl(0));
    assertTrue(bounds.admitsControl(1));
    assertFalse(bounds.admitsControl(2));
  }

  @Test
  void aMailboxFullOfAudioStillTakesControlMessagesAndKeepsTheOrder() {
    Mailbox mailbox = mailbox(new MailboxBounds(1_000, 10));
    assertTrue(mailbox.offerAudio(note("a1"), 600));
    assertTrue(mailbox.offerAudio(note("a2"), 400));
    assertFalse(mailbox.offerAudio(note("a3"), 1), "the audio bound is reached");
    assertTrue(mailbox.offerControl(note("state_change")));
    assertTrue(mailbox.offerControl(note("end")));
    mailbox.post(note("result"));
    runQueued();
    assertEquals(List.of("a1", "a2", "state_change", "end", "result"), ran);
    assertTrue(mailbox.offerAudio(note("a4"), 1_000), "room again once the audio ran");
  }

  @Test
  void onlyAFloodOfControlMessagesIsRefusedAndAudioStillFits() {
    Mailbox mailbox = mailbox(new MailboxBounds(1_000, 2));
    assertTrue(mailbox.offerControl(note("c1")));
    assertTrue(mailbox.offerControl(note("c2")));
    assertFalse(mailbox.offerControl(note("c3")), "the control bound is reached");
    assertTrue(mailbox.offerAudio(note("a1"), 1_000), "audio is counted apart");
    mailbox.post(note("timer"));
    runQueued();
    assertEquals(List.of("c1", "c2", "a1", "timer"), ran);
    assertTrue(mailbox.offerControl(note("c4")));
  }

  @Test
  void aTaskThatThrowsIsReportedAndItsWeightReleased() {
    Mailbox mailbox = mailbox(new MailboxBounds(1_000, 1));
    assertTrue(
        mailbox.offerAudio(
            () -> {
              throw new IllegalStateException("boom");
            },
            1_000));
    assertTrue(
        mailbox.offerControl(
            () -> {
              throw new IllegalStateException("boom");
            }));
    runQueued();
    assertEquals(List.of("failed", "failed"), ran);
    assertTrue(mailbox.offerAudio(note("a"), 1_000));
    assertTrue(mailbox.offerControl(note("c")));
  }
}
