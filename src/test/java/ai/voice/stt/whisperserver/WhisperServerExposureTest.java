package ai.voice.stt.whisperserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.audio.WavWriter;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig.ApiKey;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.recognizer.RecognitionException;
import ai.voice.stt.recognizer.http.HttpWhisperRecognizer;
import ai.voice.stt.support.FormData;
import ai.voice.stt.support.LogCapture;
import ai.voice.stt.support.StandInRecognizer;
import ai.voice.stt.support.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code stt whisper-server} exposes, over real sockets with the real model: it listens on
 * loopback unless told otherwise, a configured key is required of every transcription (and the
 * service's HTTP recognizer presents it), slow uploads neither hold inference places nor stay
 * forever, and audio longer than the cap is refused before it is resampled.
 */
class WhisperServerExposureTest {
  private static final String KEY = "sk-whisper-test-7f3a";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static WhisperServer keyed;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    keyed =
        WhisperServer.start(
            new WhisperServer.Settings(WhisperServer.Settings.LOOPBACK, 0, 2, 2_000_000)
                .withMaxAudio(Duration.ofSeconds(5))
                .withApiKey(new ApiKey(KEY)),
            new LocalWhisperRecognizer(TestData.model(), 1, 1, AudioContext.AUTO));
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    keyed.close();
  }

  @Test
  void withAKeyEveryTranscriptionMustPresentItAndTheServicesRecognizerDoes() throws Exception {
    FormData.Builder form = speech();
    HttpResponse<String> none = post(keyed, form, Optional.empty());
    assertError(401, "API key", none);
    assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertError(401, "API key", post(keyed, form, Optional.of("Bearer sk-wrong")));
    assertError(401, "API key", post(keyed, form, Optional.of(KEY)));

    HttpResponse<String> right = post(keyed, form, Optional.of("Bearer " + KEY));
    assertEquals(200, right.statusCode(), right.body());
    assertHeard(JSON.readTree(right.body()).get("text").asText());
    // Probes need no key.
    HttpResponse<String> health =
        client.send(
            HttpRequest.newBuilder(uri(keyed, "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());

    // The service's own client, configured as operators do.
    try (HttpWhisperRecognizer withKey = recognizer(Map.of("STT_WHISPER_API_KEY", KEY))) {
      assertHeard(withKey.transcribe(speechSamples(), Optional.of("en")).text());
    }
    try (HttpWhisperRecognizer without = recognizer(Map.of())) {
      RecognitionException e =
          assertThrows(
              RecognitionException.class,
              () -> without.transcribe(speechSamples(), Optional.of("en")));
      assertEquals(RecognitionException.Kind.FAILED, e.kind(), "401 is not retried");
      assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
    }
  }

  @Test
  void audioLongerThanTheCapIsRefusedWithAClearError() throws Exception {
    // 6 s at 8 kHz: 96 KB of upload, well inside the upload limit, over the 5 s cap.
    byte[] tooLong = WavWriter.encode(new float[6 * 8_000], 8_000);
    HttpResponse<String> refused =
        post(
            keyed,
            new FormData.Builder().file("file", "long.wav", tooLong),
            Optional.of("Bearer " + KEY));
    assertError(400, "audio is 6.0 s long; this server takes at most 5 s", refused);
    assertEquals(0, keyed.inFlight(), "refused before it took an inference place");
  }

  @Test
  void slowUploadsDoNotShutOutWholeRequestsAndAreCutOffAtTheirDeadline() throws Exception {
    Duration deadline = Duration.ofSeconds(10);
    // One worker and one queue place: before uploads were read first, two stalled uploads took
    // both, and every other request got 429 for as long as they stalled (forever).
    try (WhisperServer server =
        WhisperServer.start(
            new WhisperServer.Settings(WhisperServer.Settings.LOOPBACK, 0, 1, 2_000_000)
                .withUploads(deadline, 0),
            new LocalWhisperRecognizer(TestData.model(), 1, 1, AudioContext.AUTO))) {
      List<Socket> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          stalled.add(stalledUpload(server));
        }
        awaitRequests(server, 2);

        HttpResponse<String> whole = post(server, speech(), Optional.empty());
        assertEquals(200, whole.statusCode(), whole.body());
        assertHeard(JSON.readTree(whole.body()).get("text").asText());

        for (Socket socket : stalled) {
          assertClosedByServer(socket, deadline.multipliedBy(6));
        }
        awaitRequests(server, 0);
      } finally {
        for (Socket socket : stalled) {
          socket.close();
        }
      }
    }
  }

  @Test
  void aFailedTranscriptionTellsTheCallerNothingOfTheServersInsides() throws Exception {
    String inside = "decoder state at /srv/models/tenant-a/ggml-large.bin corrupt";
    try (LogCapture log = new LogCapture();
        WhisperServer failing =
            WhisperServer.start(
                new WhisperServer.Settings(WhisperServer.Settings.LOOPBACK, 0, 1, 2_000_000),
                new StandInRecognizer(
                    "failing",
                    samples -> {
                      throw new IllegalStateException(inside);
                    }))) {
      HttpResponse<String> failed = post(failing, speech(), Optional.empty());
      assertEquals(500, failed.statusCode(), failed.body());
      JsonNode error = JSON.readTree(failed.body()).get("error");
      assertEquals("transcription failed", error.get("message").asText());
      assertEquals("server_error", error.get("type").asText());
      assertTrue(log.contains(inside), "the operator has the detail: " + log.lines());
    }
  }

  @Test
  void itListensOnLoopbackUnlessToldOtherwise() throws Exception {
    Optional<InetAddress> external = externalAddress();
    Assumptions.assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address");
    // The address is reachable here when something listens on every interface...
    try (ServerSocket everywhere = new ServerSocket()) {
      everywhere.bind(new InetSocketAddress("0.0.0.0", 0));
      try (Socket reached = new Socket(external.get(), everywhere.getLocalPort())) {
        assertTrue(reached.isConnected());
      }
    }
    // ...but not a server started with the default address.
    assertEquals("127.0.0.1", WhisperServer.Settings.LOOPBACK);
    assertThrows(ConnectException.class, () -> new Socket(external.get(), keyed.port()).close());
    new Socket(InetAddress.getLoopbackAddress(), keyed.port()).close();
  }

  /** Headers and the start of a form announcing 100 kB, then nothing more. */
  private static Socket stalledUpload(WhisperServer server) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
    String head =
        "POST /v1/audio/transcriptions HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Content-Type: multipart/form-data; boundary=b\r\n"
            + "Content-Length: 100000\r\n"
            + "\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF";
    socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /** The server ends the connection (EOF or reset) without an answer. */
  private static void assertClosedByServer(Socket socket, Duration within) throws IOException {
    socket.setSoTimeout((int) within.toMillis());
    InputStream in = socket.getInputStream();
    try {
      assertEquals(-1, in.read(), "no answer to an upload that never arrived");
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the stalled upload was still open after " + within, e);
    } catch (SocketException reset) {
      // closed by the server while our unsent body was outstanding: a reset is a close too
    }
  }

  /** Requests in progress have no event to wait on; poll the count briefly. */
  private static void awaitRequests(WhisperServer server, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (server.requests() != count) {
      if (System.nanoTime() >= deadline) {
        throw new AssertionError("requests in progress: " + server.requests() + ", not " + count);
      }
      Thread.sleep(20);
    }
  }

  private static Optional<InetAddress> externalAddress() throws SocketException {
    return NetworkInterface.networkInterfaces()
        .filter(
            n -> {
              try {
                return n.isUp() && !n.isLoopback();
              } catch (SocketException e) {
                return false;
              }
            })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
        .findFirst();
  }

  private static HttpWhisperRecognizer recognizer(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("WHISPER_URL", "http://127.0.0.1:" + keyed.port());
    env.put("STT_WHISPER_HTTP_RETRIES", "0");
    return new HttpWhisperRecognizer(ConfigLoader.load(env, 2).recognition().http());
  }

  private static FormData.Builder speech() throws IOException {
    return new FormData.Builder()
        .file("file", "goforward.wav", Files.readAllBytes(TestData.recording("goforward").path()));
  }

  private static float[] speechSamples() {
    AudioClip clip = TestData.recording("goforward").clip();
    short[] mono = Pcm16.toMono(clip.pcm(), clip.channels());
    return Pcm16.toFloat(mono, 0, mono.length);
  }

  private static void assertHeard(String text) {
    double wer = WordErrorRate.rate(TestData.recording("goforward").reference(), text);
    assertTrue(wer <= 0.35, "\"" + text + "\"");
  }

  private static HttpResponse<String> post(
      WhisperServer server, FormData.Builder form, Optional<String> authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(server, "/v1/audio/transcriptions"))
            .header("Content-Type", form.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.build()));
    authorization.ifPresent(a -> request.header("Authorization", a));
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(int status, String words, HttpResponse<String> response)
      throws IOException {
    assertEquals(status, response.statusCode(), response.body());
    JsonNode error = JSON.readTree(response.body()).get("error");
    assertTrue(error.get("message").asText().contains(words), response.body());
  }

  private static URI uri(WhisperServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
