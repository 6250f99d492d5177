package ai.voice.stt.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The evaluation set that scripts/eval-set.sh generates (issue 23, item 4): its manifest, one JSON
 * object per line, read into utterances with their reference texts.
 */
public final class EvalSet {
  private EvalSet() {}

  /**
   * One utterance.
   *
   * @param subset corpus, neural-clean, neural-noisy, espeak, espeak-noisy, flite, commands,
   *     numbers or names
   * @param noise white, pink or babble; null when clean
   * @param snr signal-to-noise ratio in dB; null when clean
   */
  public record Utterance(
      String id,
      Path wav,
      String text,
      String subset,
      String voice,
      double speed,
      String noise,
      Integer snr) {

    public Corpus.Recording recording() {
      return new Corpus.Recording(id, wav, text);
    }

    /** The subset, and for noisy speech its SNR: "neural-noisy 5 dB". */
    public String group() {
      return snr == null ? subset : subset + " " + snr + " dB";
    }
  }

  /**
   * @throws IOException when the manifest is missing (run scripts/eval-set.sh) or malformed
   */
  public static List<Utterance> load(Path manifest) throws IOException {
    if (!Files.exists(manifest)) {
      throw new IOException(manifest + " is missing: run scripts/eval-set.sh");
    }
    ObjectMapper json = new ObjectMapper();
    List<Utterance> out = new ArrayList<>();
    for (String line : Files.readAllLines(manifest)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = json.readTree(line);
      out.add(
          new Utterance(
              n.path("id").asText(),
              Path.of(n.path("wav").asText()),
              n.path("text").asText(),
              n.path("subset").asText(),
              n.path("voice").asText(),
              n.path("speed").asDouble(1.0),
              n.path("noise").isNull() ? null : n.path("noise").asText(null),
              n.path("snr").isNumber() ? n.path("snr").asInt() : null));
    }
    return out;
  }
}
