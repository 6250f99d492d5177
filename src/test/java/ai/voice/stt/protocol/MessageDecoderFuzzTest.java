package ai.voice.stt.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the input decoder (Jazzer). In an ordinary test run this replays the
 * seed corpus in {@code MessageDecoderFuzzTestInputs/decodeAnyPayload} (the hostile messages of
 * support/MalformedCorpus); with {@code JAZZER_FUZZ=1} Jazzer mutates them guided by coverage
 * (scripts/fuzz.sh). The property: any byte string either decodes into a message that respects the
 * contract's bounds or is rejected with a {@link ProtocolException} carrying a code. Anything else
 * (a runtime exception, an error such as running out of memory) is a finding.
 */
class MessageDecoderFuzzTest {
  private static final int MAX_CHUNK_BYTES = 64_000;
  private final MessageDecoder decoder = new MessageDecoder(MAX_CHUNK_BYTES);

  @FuzzTest
  void decodeAnyPayload(byte[] payload) {
    StreamMessage message;
    try {
      message = decoder.decode(payload, "fuzz");
    } catch (ProtocolException rejected) {
      assertNotNull(rejected.code());
      assertFalse(rejected.getMessage().isBlank(), "a rejection explains itself");
      return;
    }
    switch (message) {
      case StreamMessage.Start start -> {
        assertTrue(MessageDecoder.SUPPORTED_SAMPLE_RATES.contains(start.sampleRate()));
        assertTrue(start.channels() == 1 || start.channels() == 2);
      }
      case StreamMessage.Chunk chunk -> {
        assertTrue(chunk.pcm().length <= MAX_CHUNK_BYTES, "chunk within its limit");
        assertTrue(chunk.pcm().length % 2 == 0, "whole 16-bit samples");
      }
      case StreamMessage.StateChange change -> assertNotNull(change.state());
      case StreamMessage.End ignored -> {}
    }
  }
}
