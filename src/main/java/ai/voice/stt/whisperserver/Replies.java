package ai.voice.stt.whisperserver;

import ai.voice.stt.recognizer.LanguageNames;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.recognizer.Transcript.Timed;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Bodies in the shapes of OpenAI's audio API reference: {@code json} is the Transcription object
 * ({@code text}); {@code verbose_json} the TranscriptionVerbose object ({@code task}, {@code
 * language} as a full name, {@code duration}, {@code text}, {@code segments[]} with {@code id},
 * {@code seek}, {@code start}, {@code end}, {@code text}); errors are {@code {"error": {"message",
 * "type", "param", "code"}}}. Segment statistics our recognizer does not compute (tokens,
 * avg_logprob, compression_ratio, no_speech_prob) are left out rather than invented.
 */
final class Replies {
  private final ObjectMapper json = new ObjectMapper();

  /** The response formats served; srt and vtt are not. */
  enum Format {
    JSON,
    VERBOSE_JSON,
    TEXT;

    static Optional<Format> parse(String name) {
      return switch (name) {
        case "json" -> Optional.of(JSON);
        case "verbose_json" -> Optional.of(VERBOSE_JSON);
        case "text" -> Optional.of(TEXT);
        default -> Optional.empty();
      };
    }
  }

  void transcript(HttpExchange exchange, Format format, Transcript t, double duration)
      throws IOException {
    switch (format) {
      case TEXT -> send(exchange, 200, "text/plain; charset=utf-8", t.text() + "\n");
      case JSON -> {
        ObjectNode body = json.createObjectNode();
        body.put("text", t.text());
        sendJson(exchange, 200, body);
      }
      case VERBOSE_JSON -> sendJson(exchange, 200, verbose(t, duration));
    }
  }

  private ObjectNode verbose(Transcript t, double duration) {
    ObjectNode body = json.createObjectNode();
    body.put("task", "transcribe");
    t.language().ifPresent(code -> body.put("language", LanguageNames.toName(code)));
    body.put("duration", duration);
    body.put("text", t.text());
    ArrayNode segments = body.putArray("segments");
    List<Timed> timed = t.segments();
    for (int i = 0; i < timed.size(); i++) {
      ObjectNode segment = segments.addObject();
      segment.put("id", i);
      segment.put("seek", 0);
      segment.put("start", timed.get(i).start());
      segment.put("end", timed.get(i).end());
      segment.put("text", timed.get(i).text());
    }
    return body;
  }

  /**
   * An error in OpenAI's shape.
   *
   * @param type {@code invalid_request_error} for the caller's mistakes, {@code server_error} for
   *     ours
   */
  void error(HttpExchange exchange, int status, String type, String message) throws IOException {
    ObjectNode body = json.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", message);
    error.put("type", type);
    error.putNull("param");
    error.putNull("code");
    sendJson(exchange, status, body);
  }

  void health(HttpExchange exchange, boolean serving) throws IOException {
    ObjectNode body = json.createObjectNode();
    body.put("status", serving ? "ok" : "shutting_down");
    sendJson(exchange, serving ? 200 : 503, body);
  }

  private void sendJson(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    send(exchange, status, "application/json", json.writeValueAsString(body));
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
