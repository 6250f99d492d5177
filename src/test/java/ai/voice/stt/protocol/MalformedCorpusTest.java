package ai.voice.stt.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.support.MalformedCorpus;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The hostile-message corpus: committed files equal their generator (run with {@code
 * -Dstt.corpus.write=true} to rewrite them after changing it), and the decoder rejects each with
 * the code its name gives.
 */
class MalformedCorpusTest {

  @Test
  void theCommittedCorpusIsWhatTheGeneratorMakes() throws Exception {
    if (Boolean.getBoolean("stt.corpus.write")) {
      MalformedCorpus.write();
    }
    Map<String, byte[]> committed =
        MalformedCorpus.load().stream()
            .collect(Collectors.toMap(MalformedCorpus.Entry::name, MalformedCorpus.Entry::payload));
    List<MalformedCorpus.Entry> generated = MalformedCorpus.generate();
    assertEquals(
        generated.stream().map(MalformedCorpus.Entry::name).sorted().toList(),
        committed.keySet().stream().sorted().toList());
    for (MalformedCorpus.Entry e : generated) {
      assertArrayEquals(e.payload(), committed.get(e.name()), e.name());
    }
  }

  @Test
  void everyHostileMessageIsRejectedWithTheCodeItsNameGives() {
    MessageDecoder decoder = new MessageDecoder(64_000);
    Map<String, ErrorCode> byWireName =
        java.util.Arrays.stream(ErrorCode.values())
            .collect(Collectors.toMap(ErrorCode::wireName, Function.identity()));
    List<MalformedCorpus.Entry> corpus = MalformedCorpus.load();
    assertTrue(corpus.size() >= 40, "corpus present: " + corpus.size());
    for (MalformedCorpus.Entry e : corpus) {
      ProtocolException rejected =
          assertThrows(ProtocolException.class, () -> decoder.decode(e.payload(), "s1"), e.name());
      assertEquals(byWireName.get(e.expectedCode()), rejected.code(), e.name() + ": " + rejected);
    }
  }
}
