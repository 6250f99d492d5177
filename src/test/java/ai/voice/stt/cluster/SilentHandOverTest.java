package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.Clips;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.ReplicatedRun;
import ai.voice.stt.support.ServiceProcess;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A user silent for longer than the input stream keeps audio, while a rolling restart moves the
 * session: the next owner replays from the last moments before the hand-over (the silent session
 * kept its record current), so nothing is reported lost, the timeline goes on, and what is said
 * afterwards is transcribed.
 */
class SilentHandOverTest {
  private static final double SILENCE = 16; // longer than the 10 s the stream keeps

  @Test
  void aSessionSilentLongerThanTheRetentionMovesWithoutLossOrAShiftedTimeline() throws Exception {
    Corpus.Recording first = TestData.recording("austen_0880");
    Corpus.Recording second = TestData.recording("goforward");
    AudioClip before = Clips.padded(first.clip(), 0.3, SILENCE);
    AudioClip after = Clips.padded(second.clip(), 0.3, 1.5);
    AudioClip whole = concat(before, after);
    Map<String, String> env =
        Map.of(
            "STT_ROUTING", "jetstream",
            "STT_AUDIO_RETENTION", "10",
            "STT_INFERENCE_WORKERS", "1",
            "STT_ELASTIC_THREADS", "false");
    try (NatsProcess nats = NatsProcess.startJetStream();
        ServiceProcess r0 = ServiceProcess.servingOn(nats, withId(env, "r0"));
        ServiceProcess r1 = ServiceProcess.servingOn(nats, withId(env, "r1"))) {
      r0.awaitReady(Duration.ofSeconds(120));
      r1.awaitReady(Duration.ofSeconds(120));
      Connection connection = ReplicatedRun.clientOf(nats.url());
      try {
        StreamClient client =
            new StreamClient(connection, "ai.voice.stream", "ai.voice.transcription");
        String id = "silent-handover";
        List<Received> out;
        try (StreamClient.Session s = client.listen(id, r -> {})) {
          CompletableFuture<Void> restart =
              CompletableFuture.runAsync(
                  () -> {
                    // Late in the silence, the owner is replaced, as a rolling update does.
                    ReplicatedRun.sleep((long) ((first.clip().seconds() + SILENCE - 1) * 1000));
                    ServiceProcess owner = owns(r0, id) ? r0 : r1;
                    owner.terminate();
                  });
          client.stream(id, whole, StreamOptions.realTime(), s);
          restart.get();
          out = s.awaitEnd(Duration.ofSeconds(90));
        }
        List<String> logs = new ArrayList<>(r0.output());
        logs.addAll(r1.output());
        assertTrue(
            out.stream().noneMatch(r -> r.type().equals("error")),
            out + "\n" + String.join("\n", logs));
        assertTrue(
            logs.stream().anyMatch(l -> l.contains("session " + id + ": taken over from")),
            "the session moved: " + logs);
        List<Received> results = out.stream().filter(Received::isTranscription).toList();
        double lastEnd = 0;
        for (int i = 0; i < results.size(); i++) {
          assertEquals(i, results.get(i).sequence(), "gapless, once: " + results);
          assertTrue(
              results.get(i).number("audio_start") >= lastEnd - 1e-6, "in order: " + results);
          lastEnd = results.get(i).number("audio_end");
        }
        assertEquals(whole.seconds(), lastEnd, 0.1, "the timeline ends where the audio does");
        // The second recording's words, where the client spoke them: the timeline was not shifted
        // by the silence the new owner did not replay.
        double spokenAt = before.seconds() + 0.3;
        Received said = results.stream().filter(r -> !r.transcript().isBlank()).toList().getLast();
        assertEquals(spokenAt, said.number("audio_start"), 0.6, "where it was said: " + results);
        String heard =
            results.stream()
                .filter(r -> r.number("audio_end") > spokenAt)
                .map(Received::transcript)
                .reduce("", (a, b) -> (a + " " + b).trim());
        double wer = WordErrorRate.score(second.reference(), heard).rate();
        assertTrue(wer <= 0.35, "said after the move: \"" + heard + "\" " + results);
      } finally {
        connection.close();
      }
    }
  }

  private static boolean owns(ServiceProcess replica, String id) {
    return replica.output().stream().anyMatch(l -> l.contains("session " + id + ": claimed"));
  }

  private static Map<String, String> withId(Map<String, String> env, String id) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("STT_REPLICA_ID", id);
    return all;
  }

  private static AudioClip concat(AudioClip a, AudioClip b) {
    byte[] pcm = new byte[a.pcm().length + b.pcm().length];
    System.arraycopy(a.pcm(), 0, pcm, 0, a.pcm().length);
    System.arraycopy(b.pcm(), 0, pcm, a.pcm().length, b.pcm().length);
    return new AudioClip(pcm, a.sampleRate(), a.channels());
  }
}
