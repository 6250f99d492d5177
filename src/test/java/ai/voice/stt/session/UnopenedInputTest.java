package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.session.UnopenedInput.Decision;
import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class UnopenedInputTest {
  private static final long SECOND = 1_000_000_000L;
  private static final StreamMessage START = StreamMessage.Start.defaults();
  private static final StreamMessage CHUNK =
      new StreamMessage.Chunk(new byte[2], OptionalDouble.empty());
  private static final StreamMessage STATE = new StreamMessage.StateChange(SessionState.RESPONDING);
  private static final StreamMessage END = new StreamMessage.End();

  private final UnopenedInput input =
      new UnopenedInput(Duration.ofSeconds(60), Duration.ofSeconds(30), 100);

  @Test
  void onlyStartOrAudioOpensASession() {
    assertEquals(Decision.OPEN, input.decide("a", START, 0));
    assertEquals(Decision.OPEN, input.decide("b", CHUNK, 0));
    assertEquals(Decision.NO_SESSION, input.decide("c", STATE, 0));
    assertEquals(Decision.NO_SESSION, input.decide("c", STATE, 1), "a state_change never opens");
    assertEquals(Decision.END_OF_STREAM, input.decide("d", END, 0));
  }

  @Test
  void aRepeatedEndGetsNoSecondEndOfStream() {
    assertEquals(Decision.END_OF_STREAM, input.decide("a", END, 0));
    assertEquals(Decision.DROP_ENDED, input.decide("a", END, 1));
    assertEquals(Decision.DROP_ENDED, input.decide("a", CHUNK, 2));
  }

  @Test
  void audioAfterARejectedStartIsRefusedOnceThenDroppedUntilAValidStart() {
    input.startRejected("a", 0);
    assertEquals(Decision.START_REJECTED, input.decide("a", CHUNK, 1));
    assertEquals(Decision.DROP_START_REJECTED, input.decide("a", CHUNK, 2));
    assertEquals(Decision.OPEN, input.decide("a", START, 3));
    assertEquals(Decision.OPEN, input.decide("a", CHUNK, 4), "the rejection is forgotten");
  }

  @Test
  void aRejectedStartIsForgottenAfterItsClientsSilence() {
    input.startRejected("a", 0);
    assertEquals(Decision.OPEN, input.decide("a", CHUNK, 60 * SECOND));
  }

  @Test
  void anEndedSessionStaysClosedUntilItsClientIsSilentForTheMemory() {
    input.ended("a", 0);
    assertEquals(Decision.ENDED, input.decide("a", CHUNK, SECOND));
    assertEquals(Decision.DROP_ENDED, input.decide("a", STATE, 2 * SECOND));
    assertEquals(Decision.DROP_ENDED, input.decide("a", END, 3 * SECOND));
    assertEquals(Decision.DROP_ENDED, input.decide("a", CHUNK, 32 * SECOND), "each extends it");
    assertEquals(Decision.OPEN, input.decide("a", CHUNK, 62 * SECOND), "silent for the memory");
  }

  @Test
  void aStartAfterTheEndOpensANewSessionFromThatStart() {
    input.ended("a", 0);
    assertEquals(Decision.OPEN_AFTER_END, input.decide("a", START, SECOND));
    assertEquals(Decision.OPEN, input.decide("b", START, SECOND));
  }
}
