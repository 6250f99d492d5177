package ai.voice.stt.cli;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.WavReader;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.config.ConfigException;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.NatsSecurity;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.transport.NatsConnector;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A client: streams a recording to the service and prints each result as it arrives. */
@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    description = "Stream a WAV or raw PCM16LE file to the service and print the results.")
final class StreamCommand implements Callable<Integer> {
  static final int EXIT_BAD_CONFIG = 2;
  static final int EXIT_NO_CONNECTION = 3;

  @Parameters(paramLabel = "FILE", description = "16-bit PCM .wav, or raw PCM with --raw")
  Path file;

  @Option(
      names = "--nats-url",
      defaultValue = "${env:NATS_URL:-nats://127.0.0.1:4222}",
      description = "NATS server (default: $NATS_URL or ${DEFAULT-VALUE})")
  String natsUrl;

  @Option(names = "--session", description = "session id (default: random)")
  String sessionId;

  @Option(
      names = "--chunk-ms",
      defaultValue = "20",
      description = "audio per chunk (default: ${DEFAULT-VALUE})")
  int chunkMillis;

  @Option(
      names = "--speed",
      defaultValue = "1",
      description = "1 = real time, N = N times faster, 0 = no pacing (default: ${DEFAULT-VALUE})")
  double speed;

  @Option(names = "--raw", description = "FILE is headerless PCM16LE")
  boolean raw;

  @Option(names = "--rate", defaultValue = "16000", description = "sample rate of --raw input")
  int rate;

  @Option(names = "--channels", defaultValue = "1", description = "channels of --raw input")
  int channels;

  @Option(names = "--state", defaultValue = "listening", description = "listening or responding")
  String state;

  @Option(names = "--speaker", description = "speaker_id to send")
  String speaker;

  @Option(names = "--language", description = "language code to send")
  String language;

  @Option(names = "--binary", description = "send PCM as msgpack bin instead of base64")
  boolean binary;

  @Option(
      names = "--vocabulary",
      split = ",",
      paramLabel = "TERMS",
      description =
          "words and names to expect, comma separated or repeated (sent as the start's"
              + " vocabulary: the recognizer's prompt for this session; at most 32 terms,"
              + " 160 bytes)")
  List<String> vocabulary = List.of();

  @Option(
      names = "--interim",
      description = "ask for interim results and show them live, replaced as they are revised")
  boolean interim;

  @Option(
      names = "--words",
      description =
          "ask for each word's times and confidence (word_timestamps) and print them under each"
              + " result and interim; words under 0.5 confidence in brackets (with --interim,"
              + " the live line ends with them: ?word 0.31)")
  boolean words;

  @Option(
      names = "--turn-events",
      description =
          "ask for end-of-turn events (end_of_turn, resumed) and print them; the service decides"
              + " turns when STT_TURN_DETECTION is on")
  boolean turnEvents;

  @Option(
      names = "--input-prefix",
      defaultValue = "${env:STT_INPUT_SUBJECT_PREFIX:-ai.voice.stream}")
  String inputPrefix;

  @Option(
      names = "--output-prefix",
      defaultValue = "${env:STT_OUTPUT_SUBJECT_PREFIX:-ai.voice.transcription}")
  String outputPrefix;

  @Option(
      names = "--results-stream",
      defaultValue = "${env:STT_JETSTREAM_STREAM:-VOICE_STT_AUDIO}_RESULTS",
      description =
          "where a replicated service keeps what it published: read back after a reconnect"
              + " (default: ${DEFAULT-VALUE})")
  String resultsStream;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      description = "seconds to wait for the last result")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    AudioClip clip = raw ? WavReader.readRaw(file, rate, channels) : WavReader.read(file);
    String id =
        sessionId != null ? sessionId : "cli-" + UUID.randomUUID().toString().substring(0, 8);
    StreamOptions options =
        new StreamOptions(
            chunkMillis,
            speed,
            state,
            Optional.ofNullable(speaker),
            Optional.ofNullable(language),
            binary,
            interim,
            vocabulary,
            words,
            turnEvents);
    System.out.printf(
        "streaming %s (%.1f s, %d Hz, %d ch) as session %s to %s%n",
        file, clip.seconds(), clip.sampleRate(), clip.channels(), id, natsUrl);
    NatsSecurity security;
    try {
      security = ConfigLoader.natsSecurity(System.getenv(), List.of(natsUrl));
    } catch (ConfigException e) {
      System.err.println("stt stream: " + e.getMessage());
      return EXIT_BAD_CONFIG;
    }
    // The same NATS_* credentials and TLS files as the service, so a secured server works too.
    Options natsOptions =
        NatsConnector.secure(
                Options.builder()
                    .server(natsUrl)
                    .connectionTimeout(Duration.ofSeconds(5))
                    // jnats' default listener logs each failed attempt at SEVERE; one line below
                    // says what went wrong instead.
                    .errorListener(new ErrorListener() {}),
                security)
            .build();
    Connection connection;
    try {
      connection = Nats.connect(natsOptions);
    } catch (IOException e) {
      System.err.println(
          "stt stream: cannot connect to NATS at "
              + SttConfig.Nats.redact(natsUrl)
              + ": "
              + e.getMessage());
      return EXIT_NO_CONNECTION;
    }
    try {
      return streamAndPrint(
          new StreamClient(connection, inputPrefix, outputPrefix).catchingUpFrom(resultsStream),
          id,
          clip,
          options);
    } finally {
      connection.close();
    }
  }

  private int streamAndPrint(StreamClient client, String id, AudioClip clip, StreamOptions options)
      throws InterruptedException, TimeoutException {
    try (StreamClient.Session session =
        client.listen(id, interim ? new LiveView(System.out)::show : System.out::println)) {
      client.stream(id, clip, options, session);
      List<Received> all = session.awaitEnd(Duration.ofSeconds(timeoutSeconds));
      System.out.println("transcript: " + StreamClient.joinTranscripts(all));
      return all.stream().anyMatch(r -> r.type().equals("error")) ? 1 : 0;
    } catch (TimeoutException e) {
      System.err.println("no end-of-stream result within " + timeoutSeconds + " s");
      return 1;
    }
  }
}
