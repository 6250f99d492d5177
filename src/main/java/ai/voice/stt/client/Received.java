package ai.voice.stt.client;

import java.util.List;
import java.util.Map;

/**
 * One output message as a client sees it, with the time it arrived.
 *
 * @param arrivedNanos {@link System#nanoTime()} at arrival, for latency measurements
 */
public record Received(Map<String, Object> fields, long arrivedNanos) {
  public Received {
    fields =
        Map.copyOf(
            fields.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .collect(
                    java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
  }

  /** "transcription", "interim", "interrupt" or "error". */
  public String type() {
    return (String) fields.getOrDefault("type", "transcription");
  }

  public boolean isTranscription() {
    return type().equals("transcription");
  }

  public String transcript() {
    return (String) fields.getOrDefault("transcript", "");
  }

  public long sequence() {
    return ((Number) fields.get("sequence")).longValue();
  }

  public boolean isFinal() {
    return Boolean.TRUE.equals(fields.get("is_final"));
  }

  public boolean isPartial() {
    return Boolean.TRUE.equals(fields.get("is_partial"));
  }

  public boolean endOfStream() {
    return Boolean.TRUE.equals(fields.get("end_of_stream"));
  }

  public String code() {
    return (String) fields.get("code");
  }

  public double number(String field) {
    return ((Number) fields.get(field)).doubleValue();
  }

  public String string(String field) {
    return (String) fields.get(field);
  }

  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> segments() {
    return (List<Map<String, Object>>) fields.getOrDefault("segments", List.of());
  }

  /**
   * The words of a result or interim ({@code word_timestamps} sessions), each with word, start,
   * end, confidence.
   */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> words() {
    return (List<Map<String, Object>>) fields.getOrDefault("words", List.of());
  }

  /** Below this a word is shown in brackets: it may be wrong. */
  public static final double LOW_CONFIDENCE = 0.5;

  @Override
  public String toString() {
    return switch (type()) {
      case "transcription" ->
          String.format(
                  "#%d %s%s [%.2f-%.2f s] %s",
                  sequence(),
                  isFinal() ? "final" : "partial",
                  endOfStream() ? " end_of_stream" : "",
                  number("audio_start"),
                  number("audio_end"),
                  transcript())
              + wordLine();
      case "interim" ->
          String.format(
                  "~ interim r%s [%.2f-%.2f s] %s | %s",
                  fields.get("revision"),
                  number("audio_start"),
                  number("audio_end"),
                  string("stable"),
                  string("unstable"))
              + wordLine();
      case "error" -> "error " + code() + ": " + fields.get("message");
      case "end_of_turn" ->
          String.format(
              "end of turn after #%d%s%s",
              sequence(),
              Boolean.TRUE.equals(fields.get("early")) ? " (early)" : "",
              fields.get("probability") instanceof Number p
                  ? String.format(" p=%.2f", p.doubleValue())
                  : "");
      case "resumed" -> String.format("turn resumed after #%d", sequence());
      default -> type();
    };
  }

  private String wordLine() {
    if (!fields.containsKey("words") || words().isEmpty()) {
      return "";
    }
    StringBuilder line = new StringBuilder("\n   words:");
    for (Map<String, Object> w : words()) {
      double confidence = ((Number) w.get("confidence")).doubleValue();
      String word = (String) w.get("word");
      line.append(
          String.format(
              " %s@%.2f-%.2f(%.2f)",
              confidence < LOW_CONFIDENCE ? "[" + word + "]" : word,
              ((Number) w.get("start")).doubleValue(),
              ((Number) w.get("end")).doubleValue(),
              confidence));
    }
    if (fields.containsKey("confidence")) {
      line.append(String.format("  confidence %.2f", number("confidence")));
    }
    if (fields.containsKey("speech_start")) {
      line.append(
          String.format("  speech %.2f-%.2f s", number("speech_start"), number("speech_end")));
    }
    return line.toString();
  }
}
