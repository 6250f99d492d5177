package ai.voice.stt.bench;

import ai.voice.stt.audio.WavWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The streaming peer in the same run: WhisperLive 0.10.0 (faster-whisper, the same tiny.en weights
 * converted for CTranslate2) fed the conversation a single session streamed, measured from the
 * client's side by {@code scripts/bench/peer_whisperlive.py}. WhisperLive pulls in torch (several
 * GB), so {@code scripts/bench/install-whisperlive.sh} installs it on demand into {@code .cache};
 * it never runs in CI.
 */
final class WhisperLivePeer {
  private WhisperLivePeer() {}

  /** Streams {@code c} to the peer; its figures, or why there are none. */
  static Map<String, Object> run(Conversation c, Path workDir, int threads)
      throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path wav = workDir.resolve("conversation.wav");
    Path spans = workDir.resolve("spans.json");
    Path out = workDir.resolve("peer-whisperlive.json");
    Files.write(wav, WavWriter.wrap(c.clip().pcm(), 16_000, 1));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Conversation.Utterance u : c.utterances()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", u.name());
      row.put("reference", u.reference());
      row.put("speech_start", u.speechStart());
      row.put("speech_end", u.speechEnd());
      rows.add(row);
    }
    Files.writeString(spans, Json.write(rows));
    String python = lastLine(exec(List.of("bash", "scripts/bench/install-whisperlive.sh")));
    exec(
        List.of(
            python,
            "scripts/bench/peer_whisperlive.py",
            "--wav",
            wav.toString(),
            "--spans",
            spans.toString(),
            "--model-dir",
            "models/ct2-tiny.en",
            "--threads",
            Integer.toString(threads),
            "--out",
            out.toString()));
    JsonNode report = new ObjectMapper().readTree(out.toFile());
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("peer", report.path("peer").asText());
    figures.put("first_text_after_onset", percentiles(report, "first_partial_after_onset"));
    figures.put(
        "text_covering_end_after_speech_end", percentiles(report, "covering_end_after_speech_end"));
    figures.put("final_after_speech_end", percentiles(report, "final_after_speech_end"));
    figures.put("mean_wer", report.path("mean_wer").asDouble(Double.NaN));
    figures.put("cpu_seconds", report.path("cpu_seconds").asDouble(Double.NaN));
    figures.put("wall_seconds", report.path("wall_seconds").asDouble(Double.NaN));
    figures.put("report", out.toString());
    return figures;
  }

  private static Map<String, Object> percentiles(JsonNode report, String field) {
    List<Double> values = new ArrayList<>();
    for (JsonNode u : report.path("utterances")) {
      if (u.path(field).isNumber()) {
        values.add(u.path(field).asDouble());
      }
    }
    Percentiles p = Percentiles.of(values);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50", p.p50());
    m.put("max", p.max());
    m.put("count", p.count());
    m.put("missing", report.path("utterances").size() - p.count());
    return m;
  }

  /** Runs a command to completion (its errors to ours); its standard output. */
  private static String exec(List<String> command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    if (exit != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + exit);
    }
    return stdout;
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1].strip();
  }
}
