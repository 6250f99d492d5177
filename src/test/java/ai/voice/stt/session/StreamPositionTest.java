package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamPositionTest {
  @Test
  void aNewSessionReplaysNothing() {
    StreamPosition stream = new StreamPosition(0);
    assertFalse(stream.enter(1));
    assertFalse(stream.enter(2));
    assertEquals(2, stream.last());
  }

  @Test
  void messagesUpToThePreviousOwnersLastAreReplaysAndLaterOnesAreNew() {
    StreamPosition stream = new StreamPosition(7);
    assertTrue(stream.enter(5), "applied by the previous owner");
    assertTrue(stream.replaying());
    assertEquals(7, stream.last(), "the checkpoint's position is kept while replaying");
    assertTrue(stream.enter(7));
    assertFalse(stream.enter(8), "the first message the previous owner never handled");
    assertFalse(stream.replaying());
    assertEquals(8, stream.last());
  }

  @Test
  void plainRoutingHasNoStreamSequenceAndNeverReplays() {
    StreamPosition stream = new StreamPosition(3);
    assertFalse(stream.enter(0));
    assertEquals(0, stream.current());
    assertEquals(3, stream.last());
  }
}
