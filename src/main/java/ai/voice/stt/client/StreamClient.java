package ai.voice.stt.client;

import ai.voice.stt.audio.AudioClip;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A client of the wire contract: streams a recording to one session and collects its output. Used
 * by {@code stt stream}, the benchmark and the end-to-end tests, so all three exercise the same
 * path a voice-assistant backend does.
 */
public final class StreamClient {
  private final Connection connection;
  private final String inputPrefix;
  private final String outputPrefix;

  public StreamClient(Connection connection, String inputPrefix, String outputPrefix) {
    this.connection = connection;
    this.inputPrefix = inputPrefix;
    this.outputPrefix = outputPrefix;
  }

  /** Output of one session, collected as it arrives. */
  public static final class Session implements AutoCloseable {
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<List<Received>> ended = new CompletableFuture<>();
    private final Dispatcher dispatcher;
    private final Connection connection;
    private volatile long lastChunkSentNanos;

    private Session(Connection connection, String subject, Consumer<Received> onEach) {
      this.connection = connection;
      this.dispatcher =
          connection.createDispatcher(
              msg -> {
                Received r = new Received(Msgpack.unpackMap(msg.getData()), System.nanoTime());
                received.add(r);
                onEach.accept(r);
                if (r.endOfStream()) {
                  ended.complete(List.copyOf(received));
                }
              });
      dispatcher.subscribe(subject);
    }

    public List<Received> received() {
      return List.copyOf(received);
    }

    public long lastChunkSentNanos() {
      return lastChunkSentNanos;
    }

    /** Waits for the end-of-stream result; returns everything the session published. */
    public List<Received> awaitEnd(Duration timeout) throws InterruptedException, TimeoutException {
      try {
        return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public void close() {
      connection.closeDispatcher(dispatcher);
    }
  }

  /**
   * Subscribes to a session's output; call before sending so nothing is missed. No flush is needed:
   * the server handles one connection's SUB before that connection's later PUBs, and concurrent
   * flushes would each hold one of jnats' few outstanding pings.
   */
  public Session listen(String sessionId, Consumer<Received> onEach) {
    return new Session(connection, outputPrefix + "." + sessionId, onEach);
  }

  public void send(String sessionId, Map<String, ?> message) {
    connection.publish(inputPrefix + "." + sessionId, Msgpack.pack(message));
  }

  public void sendRaw(String sessionId, byte[] payload) {
    connection.publish(inputPrefix + "." + sessionId, payload);
  }

  /** Sends start, the recording in paced chunks, then end. */
  public void stream(String sessionId, AudioClip clip, StreamOptions options, Session session) {
    Map<String, Object> start = new LinkedHashMap<>();
    start.put("type", "start");
    start.put("session_id", sessionId);
    start.put("sample_rate", clip.sampleRate());
    start.put("channels", clip.channels());
    start.put("state", options.state());
    options.speakerId().ifPresent(s -> start.put("speaker_id", s));
    options.language().ifPresent(l -> start.put("language", l));
    if (options.interimResults()) {
      start.put("interim_results", true);
    }
    send(sessionId, start);
    sendChunks(sessionId, clip, options, session);
    send(sessionId, Map.of("type", "end"));
  }

  /** Sends the recording as chunks at the chosen pace, without start or end. */
  public void sendChunks(String sessionId, AudioClip clip, StreamOptions options, Session session) {
    byte[] pcm = clip.pcm();
    int chunkBytes = Math.max(2 * clip.channels(), clip.bytesPerMillis(options.chunkMillis()));
    long intervalNanos =
        options.speed() <= 0 ? 0 : (long) (options.chunkMillis() * 1_000_000L / options.speed());
    long next = System.nanoTime();
    for (int offset = 0; offset < pcm.length; offset += chunkBytes) {
      byte[] chunk =
          java.util.Arrays.copyOfRange(pcm, offset, Math.min(pcm.length, offset + chunkBytes));
      Map<String, Object> message = new LinkedHashMap<>();
      message.put("type", "chunk");
      if (options.binary()) {
        message.put("audio", chunk);
      } else {
        message.put("audio_b64", Base64.getEncoder().encodeToString(chunk));
      }
      message.put("timestamp", System.currentTimeMillis() / 1000.0);
      if (intervalNanos > 0) {
        LockSupport.parkNanos(next - System.nanoTime());
        next += intervalNanos;
      }
      send(sessionId, message);
      if (session != null) {
        session.lastChunkSentNanos = System.nanoTime();
      }
    }
  }

  /** The transcripts of a session's results joined in sequence order. */
  public static String joinTranscripts(List<Received> messages) {
    List<String> parts = new ArrayList<>();
    messages.stream()
        .filter(Received::isTranscription)
        .sorted(java.util.Comparator.comparingLong(Received::sequence))
        .map(Received::transcript)
        .filter(t -> !t.isBlank())
        .forEach(parts::add);
    return String.join(" ", parts);
  }
}
