package ai.voice.stt.whisperserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.WavWriter;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.support.FormData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's load-shedding policy, with a recognizer the test holds shut so the queue state is
 * exact: once every worker and queue slot is taken the next request gets 429 with Retry-After at
 * once; while shutting down, new requests and {@code /health} get 503 and admitted ones finish.
 */
class WhisperServerAdmissionTest {
  private final List<HttpClient> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(HttpClient::shutdownNow);
  }

  /** Blocks every call until the test opens the gate; counts calls that started. */
  private static final class GatedRecognizer implements Recognizer {
    final CountDownLatch gate = new CountDownLatch(1);
    final Semaphore started = new Semaphore(0);

    @Override
    public Transcript transcribe(float[] samples, Optional<String> language) {
      started.release();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Transcript("held", List.of(), Optional.of("en"), 0.01);
    }

    @Override
    public int maxConcurrency() {
      return 1;
    }

    @Override
    public String describe() {
      return "gated";
    }

    @Override
    public void close() {}
  }

  @Test
  void aFullQueueAnswers429AtOnceAndAdmittedRequestsStillComplete() throws Exception {
    GatedRecognizer recognizer = new GatedRecognizer();
    try (WhisperServer server =
        WhisperServer.start(new WhisperServer.Settings("127.0.0.1", 0, 1, 1 << 20), recognizer)) {
      try {
        CompletableFuture<HttpResponse<String>> running = send(server);
        CompletableFuture<HttpResponse<String>> queued = send(server);
        awaitInFlight(server, 2, running, queued); // one worker busy, the one queue slot taken

        HttpResponse<String> shed = send(server).get(10, TimeUnit.SECONDS);
        assertEquals(429, shed.statusCode(), shed.body());
        assertEquals("1", shed.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(shed.body().contains("inference queue is full"), shed.body());

        recognizer.gate.countDown();
        assertEquals(200, running.get(10, TimeUnit.SECONDS).statusCode());
        assertEquals(200, queued.get(10, TimeUnit.SECONDS).statusCode());
      } finally {
        recognizer.gate.countDown();
      }
    }
  }

  @Test
  void whileShuttingDownNewRequestsAndHealthGet503AndTheAdmittedOneFinishes() throws Exception {
    GatedRecognizer recognizer = new GatedRecognizer();
    WhisperServer server =
        WhisperServer.start(new WhisperServer.Settings("127.0.0.1", 0, 4, 1 << 20), recognizer);
    try (HttpClient client = HttpClient.newHttpClient()) {
      try {
        CompletableFuture<HttpResponse<String>> running = send(server);
        assertTrue(recognizer.started.tryAcquire(10, TimeUnit.SECONDS));
        // Its own thread: close() blocks, and on two cores the common pool has only one.
        Thread closer = Thread.ofPlatform().start(() -> server.close(Duration.ofSeconds(10)));
        HttpResponse<String> health = health(client, server);
        for (int i = 0; i < 100 && health.statusCode() != 503; i++) {
          health = health(client, server);
        }
        assertEquals(503, health.statusCode());
        assertEquals(503, send(server).get(10, TimeUnit.SECONDS).statusCode());
        recognizer.gate.countDown();
        assertEquals(200, running.get(10, TimeUnit.SECONDS).statusCode());
        closer.join(Duration.ofSeconds(20));
        assertTrue(!closer.isAlive(), "close returned once the admitted request finished");
      } finally {
        recognizer.gate.countDown();
      }
    }
  }

  private static HttpResponse<String> health(HttpClient client, WhisperServer server)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(server, "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Admission has no event to wait on; poll the count briefly. */
  private static void awaitInFlight(
      WhisperServer server, int count, CompletableFuture<?>... requests)
      throws InterruptedException {
    // Generous: on a loaded CI machine a new HTTP client and its first request take a while.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (server.inFlight() < count) {
      if (System.nanoTime() >= deadline) {
        StringBuilder states = new StringBuilder();
        for (CompletableFuture<?> request : requests) {
          states.append(' ').append(request.isDone() ? describe(request) : "pending");
        }
        throw new AssertionError("in flight: " + server.inFlight() + "; requests:" + states);
      }
      Thread.sleep(10);
    }
  }

  private static String describe(CompletableFuture<?> done) {
    try {
      return "answered " + done.join();
    } catch (RuntimeException e) {
      return "failed " + e;
    }
  }

  private CompletableFuture<HttpResponse<String>> send(WhisperServer server) {
    FormData.Builder form =
        new FormData.Builder().file("file", "a.wav", WavWriter.encode(new float[1600], 16_000));
    // One client per request, as independent callers are.
    HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    clients.add(own);
    return own.sendAsync(
        HttpRequest.newBuilder(uri(server, "/v1/audio/transcriptions"))
            .header("Content-Type", form.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.build()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(WhisperServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
