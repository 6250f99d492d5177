package ai.voice.stt.faults;

import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.ReplicatedRun;
import ai.voice.stt.support.ServiceProcess;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The only NATS server of a replicated (JetStream) deployment goes away under live sessions and
 * comes back with its store, as a pod restart or an upgrade does: no session goes silent. Each goes
 * on where it was, the utterances spoken after the server is back are transcribed, nothing is
 * published twice, and each session ends with one {@code end_of_stream}.
 */
class JetStreamOutageTest {

  @Test
  void sessionsCarryOnThroughAnEightSecondOutage() throws Exception {
    outage(Duration.ofSeconds(8));
  }

  @Test
  void sessionsCarryOnThroughAThirtySecondOutage() throws Exception {
    outage(Duration.ofSeconds(30));
  }

  /**
   * A client that keeps no buffer while it is disconnected loses the audio it captures meanwhile:
   * the session names the stretch once ({@code audio_lost}) and leaves room for it, so what is said
   * afterwards keeps its place in the timeline.
   */
  @Test
  void audioAClientCouldNotSendDuringTheOutageIsNamedOnceAndLaterSpeechKeepsItsPlace()
      throws Exception {
    outage(Duration.ofSeconds(8), true);
  }

  private static void outage(Duration down) throws Exception {
    outage(down, false);
  }

  private static void outage(Duration down, boolean lossyClient) throws Exception {
    try (NatsProcess nats = NatsProcess.startJetStream();
        ServiceProcess stt =
            ServiceProcess.servingOn(
                nats,
                Map.of(
                    "STT_ROUTING", "jetstream",
                    "STT_REPLICA_ID", "solo",
                    "STT_INFERENCE_WORKERS", "1",
                    "STT_ELASTIC_THREADS", "false"))) {
      stt.awaitReady(Duration.ofSeconds(120));
      Connection connection = ReplicatedRun.clientOf(nats.url());
      try {
        // Its connection goes down with the server: what was published meanwhile is read back
        // from the results stream, as docs/protocol.md tells clients to.
        StreamClient client =
            new StreamClient(connection, "ai.voice.stream", "ai.voice.transcription")
                .catchingUpFrom("VOICE_STT_AUDIO_RESULTS");
        double restartedAt = 6 + down.toSeconds();
        // Long enough that a whole repetition is spoken after the server is back.
        List<ReplicatedRun.Case> cases =
            ReplicatedRun.streams("outage" + down.toSeconds(), 2, restartedAt + 1);
        Runnable fault =
            () -> {
              ReplicatedRun.sleep(6_000);
              try {
                nats.kill();
                ReplicatedRun.sleep(down.toMillis());
                nats.restart();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            };
        if (lossyClient) {
          for (ReplicatedRun.Outcome o :
              ReplicatedRun.runAllLosingAudioWhileDisconnected(
                  client, connection, cases, StreamOptions.realTime(), fault)) {
            o.assertLossNamedOnce(restartedAt + 1, stt.output());
          }
        } else {
          for (ReplicatedRun.Outcome o :
              ReplicatedRun.runAll(client, cases, StreamOptions.realTime(), fault)) {
            o.assertContinuedThroughTheFault(restartedAt + 1, stt.output());
          }
        }
      } finally {
        connection.close();
      }
    }
  }
}
