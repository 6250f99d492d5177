package ai.voice.stt.cli;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.WavReader;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
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
      names = "--input-prefix",
      defaultValue = "${env:STT_INPUT_SUBJECT_PREFIX:-ai.voice.stream}")
  String inputPrefix;

  @Option(
      names = "--output-prefix",
      defaultValue = "${env:STT_OUTPUT_SUBJECT_PREFIX:-ai.voice.transcription}")
  String outputPrefix;

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
            binary);
    System.out.printf(
        "streaming %s (%.1f s, %d Hz, %d ch) as session %s to %s%n",
        file, clip.seconds(), clip.sampleRate(), clip.channels(), id, natsUrl);
    Options natsOptions =
        Options.builder().server(natsUrl).connectionTimeout(Duration.ofSeconds(5)).build();
    Connection connection = Nats.connect(natsOptions);
    try {
      return streamAndPrint(
          new StreamClient(connection, inputPrefix, outputPrefix), id, clip, options);
    } finally {
      connection.close();
    }
  }

  private int streamAndPrint(StreamClient client, String id, AudioClip clip, StreamOptions options)
      throws InterruptedException, TimeoutException {
    try (StreamClient.Session session =
        client.listen(id, received -> System.out.println(received))) {
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
