package ai.voice.stt.recognizer.http;

import ai.voice.stt.recognizer.LanguageNames;
import ai.voice.stt.recognizer.Transcript.Timed;
import ai.voice.stt.recognizer.TranscriptCleaner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the answers of both APIs. They share one shape: {@code json} is {@code {"text": ...}};
 * {@code verbose_json} adds {@code language} (a full name, "english"), {@code duration} and {@code
 * segments[]} with {@code id}, {@code start}, {@code end} (seconds) and {@code text}. Unknown
 * fields (tokens, words, log-probabilities) are ignored. whisper.cpp reports some failures as HTTP
 * 200 with {@code {"error": "..."}}; OpenAI-style servers answer errors with a status and {@code
 * {"error": {"message": ...}}} (FastAPI servers with {@code {"detail": ...}}).
 */
final class TranscriptionResponse {
  private static final ObjectReader JSON = new ObjectMapper().reader();
  private static final int MAX_QUOTED_BODY = 300;

  private TranscriptionResponse() {}

  /** What the server heard, cleaned of non-speech captions like the local recognizer's output. */
  record Heard(String text, List<Timed> segments, Optional<String> language) {}

  /** The body is not a transcription answer; the message says what it was instead. */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message);
    }
  }

  static Heard parse(byte[] body, double audioSeconds) throws Unreadable {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new Unreadable("answer is not JSON: " + quote(body));
    }
    if (root == null || !root.isObject()) {
      throw new Unreadable("answer is not a JSON object: " + quote(body));
    }
    Optional<String> error = errorIn(root);
    if (error.isPresent()) {
      throw new Unreadable("server reported an error: " + error.get());
    }
    JsonNode text = root.get("text");
    if (text == null || !text.isTextual()) {
      throw new Unreadable("answer has no \"text\": " + quote(body));
    }
    List<Timed> segments = new ArrayList<>();
    JsonNode array = root.path("segments");
    String joined;
    if (array.isArray() && !array.isEmpty()) {
      for (JsonNode segment : array) {
        String cleaned = TranscriptCleaner.clean(segment.path("text").asText(""));
        if (!cleaned.isEmpty()) {
          segments.add(
              new Timed(
                  cleaned,
                  segment.path("start").asDouble(0),
                  segment.path("end").asDouble(audioSeconds)));
        }
      }
      joined = String.join(" ", segments.stream().map(Timed::text).toList());
    } else {
      // json (text only), or verbose_json without segments: one segment for the whole stretch.
      joined = TranscriptCleaner.clean(text.asText());
      if (!joined.isEmpty()) {
        segments.add(new Timed(joined, 0, audioSeconds));
      }
    }
    Optional<String> language =
        Optional.ofNullable(root.get("language"))
            .filter(JsonNode::isTextual)
            .flatMap(l -> LanguageNames.toCode(l.asText()));
    return new Heard(joined, segments, language);
  }

  /** The server's own words about a failed request, for the error a session publishes. */
  static String errorMessage(byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root != null && root.isObject()) {
        Optional<String> error = errorIn(root);
        if (error.isPresent()) {
          return error.get();
        }
      }
    } catch (IOException e) {
      // not JSON: quote the text below
    }
    return quote(body);
  }

  private static Optional<String> errorIn(JsonNode root) {
    JsonNode error = root.get("error");
    if (error != null && error.isTextual()) {
      return Optional.of(error.asText());
    }
    if (error != null && error.isObject()) {
      return Optional.of(error.path("message").asText(error.toString()));
    }
    JsonNode detail = root.get("detail");
    if (detail != null && !detail.isNull()) {
      return Optional.of(detail.isTextual() ? detail.asText() : detail.toString());
    }
    return Optional.empty();
  }

  private static String quote(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.length() <= MAX_QUOTED_BODY
        ? "\"" + text + "\""
        : "\"" + text.substring(0, MAX_QUOTED_BODY) + "...\"";
  }
}
