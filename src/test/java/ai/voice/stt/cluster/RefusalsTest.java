package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.session.SessionCheckpoint;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RefusalsTest {
  private static final long IDLE = 60;

  @Test
  void aRefusalRecordExpiresOnceItsClientHasBeenSilentForTheIdleTimeout() {
    assertFalse(Refusals.expired(0, null, IDLE - 1, IDLE));
    assertTrue(Refusals.expired(0, null, IDLE, IDLE), "never heard since it was written");
    assertFalse(Refusals.expired(0, IDLE - 10, IDLE, IDLE), "heard since: counted from then");
    assertTrue(Refusals.expired(0, IDLE - 10, 2 * IDLE - 10, IDLE));
    assertFalse(
        Refusals.expired(IDLE, 5L, IDLE + 1, IDLE), "a message heard before the record is older");
  }

  @Test
  void aRefusalRecordIsTellableFromACheckpointAndRoundTrips() throws Exception {
    CheckpointCodec.Refusal r = new CheckpointCodec.Refusal("service_busy", "r1-abc", 42, 1_000);
    assertEquals(Optional.of(r), CheckpointCodec.decodeRefusal(CheckpointCodec.encode(r)));
    SessionCheckpoint c = SessionCheckpoint.freshAt("r2-def", 43, 2_000);
    assertEquals(Optional.empty(), CheckpointCodec.decodeRefusal(CheckpointCodec.encode(c)));
    assertEquals(c, CheckpointCodec.decode(CheckpointCodec.encode(c)));
  }
}
