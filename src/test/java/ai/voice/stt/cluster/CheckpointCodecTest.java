package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.session.SessionCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {

  @Test
  void aSessionsStartSettingsSurviveTheRoundTripVocabularyIncluded() throws IOException {
    StreamMessage.Start settings =
        new StreamMessage.Start(
            48_000,
            2,
            SessionState.RESPONDING,
            Optional.of("alice"),
            Optional.of("en"),
            Optional.of(true),
            List.of("Siobhan Nakashima", "Zyrtec", "Łódź"));
    SessionCheckpoint written =
        new SessionCheckpoint(
            "r1", 7, 9, 32_000, 96_000, 16_000, 3, 4, settings.state(), settings, true, 1_234);

    SessionCheckpoint read = CheckpointCodec.decode(CheckpointCodec.encode(written));

    assertEquals(written, read);
    assertEquals(Optional.of("Siobhan Nakashima, Zyrtec, Łódź."), read.settings().prompt());
  }

  @Test
  void aSessionWithoutVocabularyWritesNoField() {
    String json =
        new String(
            CheckpointCodec.encode(SessionCheckpoint.fresh("r1", 1_000)), StandardCharsets.UTF_8);
    assertFalse(json.contains("vocabulary"), json);
  }

  @Test
  void aCheckpointWrittenBeforeVocabularyExistedStillDecodes() throws IOException {
    // As a replica of the previous release wrote it (no "vocabulary").
    String old =
        "{\"owner\":\"r0\",\"resume_seq\":5,\"last_seq\":6,\"timeline\":16000,"
            + "\"accepted_frames\":16000,\"covered\":8000,\"sequence\":2,\"outputs\":2,"
            + "\"state\":\"listening\",\"sample_rate\":16000,\"channels\":1,"
            + "\"language\":\"en\",\"received_audio\":true,\"opened_ms\":99}";

    SessionCheckpoint read = CheckpointCodec.decode(old.getBytes(StandardCharsets.UTF_8));

    assertEquals(List.of(), read.settings().vocabulary());
    assertEquals(Optional.empty(), read.settings().prompt());
    assertEquals(Optional.of("en"), read.settings().language());
    assertEquals(5, read.resumeSeq());
  }
}
