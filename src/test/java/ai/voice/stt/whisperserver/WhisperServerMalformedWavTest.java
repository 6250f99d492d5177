package ai.voice.stt.whisperserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.WavWriter;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.support.FormData;
import ai.voice.stt.support.StandInRecognizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real server and handler given WAV uploads with broken headers: each is answered with 400 and
 * OpenAI's error object naming the problem (not a reset connection), and the recognizer is never
 * called. A malformed Content-Type is a 415, not a reset either. A recognizer that answers at once
 * stands in for the model.
 */
class WhisperServerMalformedWavTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger calls = new AtomicInteger();
  private static WhisperServer server;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    Recognizer recognizer =
        new StandInRecognizer(
            "instant",
            samples -> {
              calls.incrementAndGet();
              return new Transcript("ok", List.of(), Optional.of("en"), 0.01);
            });
    server =
        WhisperServer.start(new WhisperServer.Settings("127.0.0.1", 0, 2, 1 << 20), recognizer);
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @Test
  void aWavDeclaringZeroChannelsGets400() throws Exception {
    byte[] wav = WavWriter.wrap(new byte[3200], 16_000, 1);
    ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putShort(22, (short) 0); // channels
    assertBadWav(wav, "0 channels");
  }

  @Test
  void aWavCutInsideItsFmtChunkGets400() throws Exception {
    byte[] wav = Arrays.copyOf(WavWriter.wrap(new byte[3200], 16_000, 1), 30);
    assertBadWav(wav, "'fmt ' chunk runs past the end");
  }

  @Test
  void aWellFormedWavStillGets200() throws Exception {
    HttpResponse<String> response = post(WavWriter.wrap(new byte[3200], 16_000, 1));
    assertEquals(200, response.statusCode(), response.body());
  }

  @Test
  void aContentTypeOfOnlyASemicolonGets415() throws Exception {
    // Found by MultipartFormFuzzTest: boundary(";") indexed an empty split and the server reset
    // the connection.
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/audio/transcriptions"))
                .header("Content-Type", ";")
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(415, response.statusCode(), response.body());
  }

  private static void assertBadWav(byte[] wav, String words) throws Exception {
    int before = calls.get();
    HttpResponse<String> response = post(wav);
    assertEquals(400, response.statusCode(), response.body());
    JsonNode error = JSON.readTree(response.body()).get("error");
    assertEquals("invalid_request_error", error.get("type").asText());
    String message = error.get("message").asText();
    assertTrue(message.startsWith("file is not a 16-bit PCM WAV: "), message);
    assertTrue(message.contains(words), message);
    assertEquals(before, calls.get(), "the recognizer never saw it");
  }

  private static HttpResponse<String> post(byte[] wav) throws Exception {
    FormData.Builder form = new FormData.Builder().file("file", "bad.wav", wav);
    return client.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v1/audio/transcriptions"))
            .header("Content-Type", form.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.build()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
