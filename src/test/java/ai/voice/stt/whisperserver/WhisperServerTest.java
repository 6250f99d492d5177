package ai.voice.stt.whisperserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.WavWriter;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.support.FormData;
import ai.voice.stt.support.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code stt whisper-server} with the real model, spoken to as any OpenAI client would: multipart
 * uploads over real HTTP. Its answers follow OpenAI's documented shapes (Transcription,
 * TranscriptionVerbose, the error object) and it takes WAV at any common rate.
 */
class WhisperServerTest {
  private static final int MAX_UPLOAD = 2_000_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static WhisperServer server;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    server =
        WhisperServer.start(
            new WhisperServer.Settings("127.0.0.1", 0, 4, MAX_UPLOAD),
            new LocalWhisperRecognizer(TestData.model(), 1, 1, AudioContext.AUTO));
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @Test
  void verboseJsonHasOpenAisFieldNamesAndTimedSegments() throws Exception {
    Corpus.Recording recording = TestData.recording("goforward");
    HttpResponse<String> response =
        post(
            "/v1/audio/transcriptions",
            new FormData.Builder()
                .file("file", "goforward.wav", fileBytes(recording))
                .field("model", "whisper-1")
                .field("response_format", "verbose_json"));
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
    JsonNode body = JSON.readTree(response.body());
    assertEquals(Set.of("task", "language", "duration", "text", "segments"), fields(body));
    assertEquals("transcribe", body.get("task").asText());
    assertEquals("english", body.get("language").asText());
    assertEquals(recording.clip().seconds(), body.get("duration").asDouble(), 1e-3);
    assertTrue(WordErrorRate.rate(recording.reference(), body.get("text").asText()) < 0.3);
    assertTrue(body.get("segments").size() >= 1);
    for (JsonNode segment : body.get("segments")) {
      assertEquals(Set.of("id", "seek", "start", "end", "text"), fields(segment));
      assertTrue(segment.get("end").asDouble() > segment.get("start").asDouble());
    }
  }

  @Test
  void jsonIsTheDefaultFormatAndTextIsPlain() throws Exception {
    Corpus.Recording recording = TestData.recording("cards_001");
    HttpResponse<String> json =
        post(
            "/v1/audio/transcriptions",
            new FormData.Builder().file("file", "a.wav", fileBytes(recording)));
    assertEquals(200, json.statusCode(), json.body());
    JsonNode body = JSON.readTree(json.body());
    assertEquals(Set.of("text"), fields(body));

    HttpResponse<String> text =
        post(
            "/v1/audio/transcriptions",
            new FormData.Builder()
                .file("file", "a.wav", fileBytes(recording))
                .field("response_format", "text"));
    assertEquals(200, text.statusCode());
    assertTrue(text.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
    assertEquals(body.get("text").asText(), text.body().strip());
  }

  @Test
  void fortyEightKilohertzStereoAndEightKilohertzGiveTheWordsOfSixteenKilohertzMono()
      throws Exception {
    String reference = TestData.recording("austen_0870").reference();
    for (String variant : List.of("austen_0870_48k_stereo.wav", "austen_0870_8k.wav")) {
      AudioClip clip = TestData.variant(variant);
      HttpResponse<String> response =
          post(
              "/inference",
              new FormData.Builder()
                  .file(
                      "file",
                      variant,
                      WavWriter.wrap(clip.pcm(), clip.sampleRate(), clip.channels()))
                  .field("response_format", "json"));
      assertEquals(200, response.statusCode(), response.body());
      String text = JSON.readTree(response.body()).get("text").asText();
      assertTrue(WordErrorRate.rate(reference, text) < 0.25, variant + ": " + text);
    }
  }

  @Test
  void requestsTheCallerMustFixGetA4xxWithOpenAisErrorObject() throws Exception {
    byte[] wav = fileBytes(TestData.recording("goforward"));
    assertError(
        400,
        "no 'file' field",
        post("/v1/audio/transcriptions", new FormData.Builder().field("model", "x")));
    assertError(
        400,
        "not a 16-bit PCM WAV",
        post(
            "/v1/audio/transcriptions",
            new FormData.Builder().file("file", "notes.txt", "hello".getBytes())));
    assertError(
        400,
        "96000 Hz is outside",
        post(
            "/v1/audio/transcriptions",
            new FormData.Builder()
                .file("file", "hi.wav", WavWriter.wrap(new byte[9600], 96_000, 1))));
    assertError(
        400,
        "response_format 'srt'",
        post(
            "/v1/audio/transcriptions",
            new FormData.Builder().file("file", "a.wav", wav).field("response_format", "srt")));
    assertError(
        415,
        "multipart/form-data",
        client.send(
            HttpRequest.newBuilder(uri("/v1/audio/transcriptions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString()));
    assertError(
        405,
        "use POST",
        client.send(
            HttpRequest.newBuilder(uri("/v1/audio/transcriptions")).GET().build(),
            HttpResponse.BodyHandlers.ofString()));
    assertError(
        404,
        "no route",
        client.send(
            HttpRequest.newBuilder(uri("/v1/chat/completions")).GET().build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void uploadsOverTheLimitGet413() throws Exception {
    byte[] tooBig = WavWriter.wrap(new byte[MAX_UPLOAD], 16_000, 1);
    assertError(
        413,
        "upload larger than",
        post("/v1/audio/transcriptions", new FormData.Builder().file("file", "long.wav", tooBig)));
  }

  @Test
  void healthAnswersOk() throws Exception {
    HttpResponse<String> health =
        client.send(
            HttpRequest.newBuilder(uri("/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
    assertEquals("ok", JSON.readTree(health.body()).get("status").asText());
  }

  private static void assertError(int status, String words, HttpResponse<String> response)
      throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    JsonNode error = JSON.readTree(response.body()).get("error");
    assertEquals(Set.of("message", "type", "param", "code"), fields(error));
    assertTrue(error.get("message").asText().contains(words), response.body());
  }

  private static byte[] fileBytes(Corpus.Recording recording) throws Exception {
    return Files.readAllBytes(recording.path());
  }

  private static HttpResponse<String> post(String path, FormData.Builder form) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", form.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.build()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private static Set<String> fields(JsonNode node) {
    Set<String> names = new java.util.TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
