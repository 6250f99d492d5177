package ai.voice.stt.client;

import ai.voice.stt.audio.AudioClip;
import io.nats.client.Connection;
import io.nats.client.Connection.Status;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
  // How long the results stream is tried after a reconnect (JetStream may still be starting).
  private static final Duration CATCH_UP_PATIENCE = Duration.ofSeconds(30);
  private static final Duration CATCH_UP_RETRY = Duration.ofMillis(250);

  private final Connection connection;
  private final String inputPrefix;
  private final String outputPrefix;
  private final KeptOutputs kept;

  public StreamClient(Connection connection, String inputPrefix, String outputPrefix) {
    this(connection, inputPrefix, outputPrefix, null);
  }

  private StreamClient(
      Connection connection, String inputPrefix, String outputPrefix, KeptOutputs kept) {
    this.connection = connection;
    this.inputPrefix = inputPrefix;
    this.outputPrefix = outputPrefix;
    this.kept = kept;
  }

  /**
   * The same client, reading back from {@code resultsStream} (the service's {@code
   * <STT_JETSTREAM_STREAM>_RESULTS}, kept when it runs with replicas) what its sessions published
   * while this client's connection was down (docs/protocol.md, <i>Missed output</i>). When the
   * server has no stream of that name now (one replica, or no JetStream), nothing is read back, as
   * without this.
   */
  public StreamClient catchingUpFrom(String resultsStream) {
    return new StreamClient(
        connection, inputPrefix, outputPrefix, KeptOutputs.of(connection, resultsStream));
  }

  /**
   * Output of one session, collected as it arrives. With a results stream to read (see {@link
   * #catchingUpFrom}), what was published while the client's connection was down is read back from
   * it once the connection is back and put in its place; until then the session is not over, even
   * if its {@code end_of_stream} already arrived.
   */
  public static final class Session implements AutoCloseable {
    // What arrived (or was read back), in order, with the bytes it came as; guarded by this.
    private final List<byte[]> payloads = new ArrayList<>();
    private final List<Received> received = new ArrayList<>();
    private final CompletableFuture<List<Received>> ended = new CompletableFuture<>();
    private final Dispatcher dispatcher;
    private final Connection connection;
    private final String subject;
    private final Consumer<Received> onEach;
    private final KeptOutputs kept;
    private final ConnectionListener outages;
    // Set when the connection drops; cleared once what was missed has been read back.
    private boolean catchingUp;
    private volatile long lastChunkSentNanos;

    private Session(
        Connection connection, String subject, Consumer<Received> onEach, KeptOutputs kept) {
      this.connection = connection;
      this.subject = subject;
      this.onEach = onEach;
      this.kept = kept;
      this.outages = kept == null ? null : this::connectionEvent;
      if (outages != null) {
        connection.addConnectionListener(outages);
      }
      this.dispatcher = connection.createDispatcher(msg -> arrived(msg.getData()));
      dispatcher.subscribe(subject);
    }

    private void arrived(byte[] payload) {
      Received r = new Received(Msgpack.unpackMap(payload), System.nanoTime());
      synchronized (this) {
        payloads.add(payload);
        received.add(r);
      }
      onEach.accept(r);
      endIfOver();
    }

    private void connectionEvent(Connection c, ConnectionListener.Events event) {
      switch (event) {
        case DISCONNECTED -> {
          synchronized (this) {
            catchingUp = true;
          }
        }
        case RECONNECTED -> Thread.ofVirtual().name("catch-up " + subject).start(this::catchUp);
        default -> {}
      }
    }

    /**
     * Reads back what the stream keeps for this session and adds what did not arrive. Runs after
     * jnats has subscribed again; a round trip makes sure the server has the subscription, so
     * anything published from then on arrives by itself and anything before is in the stream.
     */
    private void catchUp() {
      long deadline = System.nanoTime() + CATCH_UP_PATIENCE.toNanos();
      while (true) {
        try {
          ServerRoundTrip.await(connection, Duration.ofSeconds(2));
          List<byte[]> stored = kept.read(subject);
          List<Received> missed = new ArrayList<>();
          synchronized (this) {
            List<byte[]> newPayloads = new ArrayList<>();
            List<Received> newReceived = new ArrayList<>();
            for (MissedOutputs.Place p : MissedOutputs.merge(List.copyOf(payloads), stored)) {
              if (p.wasMissed()) {
                Received r = new Received(Msgpack.unpackMap(p.missed()), System.nanoTime());
                missed.add(r);
                newPayloads.add(p.missed());
                newReceived.add(r);
              } else {
                newPayloads.add(payloads.get(p.received()));
                newReceived.add(received.get(p.received()));
              }
            }
            payloads.clear();
            payloads.addAll(newPayloads);
            received.clear();
            received.addAll(newReceived);
            catchingUp = false;
          }
          missed.forEach(onEach);
          break;
        } catch (IOException | IllegalStateException e) {
          if (System.nanoTime() > deadline || connection.getStatus() == Status.CLOSED) {
            // Nothing more can be done: what arrived stands.
            synchronized (this) {
              catchingUp = false;
            }
            break;
          }
          LockSupport.parkNanos(CATCH_UP_RETRY.toNanos());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      endIfOver();
    }

    private void endIfOver() {
      List<Received> all;
      synchronized (this) {
        if (catchingUp || received.stream().noneMatch(Received::endOfStream)) {
          return;
        }
        all = List.copyOf(received);
      }
      ended.complete(all);
    }

    public synchronized List<Received> received() {
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
      if (outages != null) {
        connection.removeConnectionListener(outages);
      }
      connection.closeDispatcher(dispatcher);
    }
  }

  /**
   * Subscribes to a session's output; call before sending so nothing is missed. No flush is needed:
   * the server handles one connection's SUB before that connection's later PUBs, and concurrent
   * flushes would each hold one of jnats' few outstanding pings.
   */
  public Session listen(String sessionId, Consumer<Received> onEach) {
    return new Session(connection, outputPrefix + "." + sessionId, onEach, kept);
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
    if (!options.vocabulary().isEmpty()) {
      start.put("vocabulary", options.vocabulary());
    }
    if (options.wordTimestamps()) {
      start.put("word_timestamps", true);
    }
    if (options.turnEvents()) {
      start.put("turn_events", true);
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
