package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.Clips;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recognitions whose answer became useless are aborted (decisions/0031), over a real nats-server
 * with the real model and recorded speech, and what is published stays right: every final once, its
 * words intact. The streams are sent faster than real time, so the session reaches the moment that
 * makes a running recognition useless while whisper.cpp is still decoding it.
 */
class UselessRecognitionsTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static ServiceUnderTest stt;

  @BeforeAll
  static void startService() throws Exception {
    stt = new ServiceUnderTest(Map.of());
  }

  @AfterAll
  static void stopService() {
    stt.close();
  }

  /**
   * Two recordings with a pause between them that is shorter than the end-point (600 ms): the first
   * cut where its speech ends, then {@code pauseSeconds} of silence, then the second (which starts
   * within 80 ms).
   */
  private static AudioClip joined(AudioClip first, double pauseSeconds, AudioClip second) {
    AudioClip spoken = Clips.head(first, Clips.speechEndSeconds(first));
    AudioClip a = Clips.padded(spoken, 0.3, pauseSeconds);
    byte[] pcm = new byte[a.pcm().length + second.pcm().length];
    System.arraycopy(a.pcm(), 0, pcm, 0, a.pcm().length);
    System.arraycopy(second.pcm(), 0, pcm, a.pcm().length, second.pcm().length);
    return Clips.padded(new AudioClip(pcm, first.sampleRate(), first.channels()), 0, 1.5);
  }

  private static long aborted(String kind, String reason) {
    Pattern sample =
        Pattern.compile(
            "^stt_decodes_aborted_total\\{[^}]*kind=\""
                + kind
                + "\"[^}]*reason=\""
                + reason
                + "\"[^}]*\\} (\\S+)",
            Pattern.MULTILINE);
    Matcher m = sample.matcher(stt.service().metricsText());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private static long abortedWhile(String state) {
    Matcher m =
        Pattern.compile(
                "^stt_inference_aborted_total\\{[^}]*state=\"" + state + "\"[^}]*\\} (\\S+)",
                Pattern.MULTILINE)
            .matcher(stt.service().metricsText());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private static List<Received> finals(List<Received> out) {
    return out.stream().filter(r -> r.isTranscription() && (r.isFinal() || r.isPartial())).toList();
  }

  @Test
  void speechResumingDuringASpeculativeRecognitionAbortsItAndTheFinalsStayRight() throws Exception {
    Corpus.Recording first = TestData.recording("austen_0870");
    Corpus.Recording second = TestData.recording("cards_001");
    // ~330 ms of pause: the speculative recognition starts 210 ms into it, and speech resumes
    // before the end-point (600 ms) or the shorter one after a sentence (300 ms, which needs the
    // speculative answer first) ends the utterance.
    AudioClip stream = joined(first.clip(), 0.25, second.clip());
    long before = aborted("speculative", "speech_resumed");
    long schedulerBefore = abortedWhile("running") + abortedWhile("queued");
    try (StreamClient.Session s = stt.client().listen("resumes", r -> {})) {
      stt.client().stream("resumes", stream, StreamOptions.realTime().withSpeed(20), s);
      List<Received> out = s.awaitEnd(WAIT);
      List<Received> finals = finals(out);
      String text = StreamClient.joinTranscripts(out);
      double wer = WordErrorRate.rate(first.reference() + " " + second.reference(), text);
      System.out.printf(
          "speech resumed: %d results, WER %.1f%% \"%s\"%n", finals.size(), 100 * wer, text);
      assertTrue(wer < 0.25, text);
      assertEquals(
          finals.size(),
          finals.stream().map(Received::sequence).distinct().count(),
          "no result published twice: " + out);
    }
    assertTrue(
        aborted("speculative", "speech_resumed") > before,
        "the speculative recognition was aborted when speech resumed");
    // Stopped in whisper.cpp, or taken off the queue when its worker had not picked it up yet
    // (within milliseconds of its start on a fast machine); SchedulerCancelTest tells them apart.
    Await.until(
        () -> abortedWhile("running") + abortedWhile("queued") > schedulerBefore,
        Duration.ofSeconds(10),
        "the scheduler aborted it");
  }

  @Test
  void anEndWhileAnInterimRunsAbortsItAndTheFinalIsPublishedOnce() throws Exception {
    Corpus.Recording recording = TestData.recording("austen_0870");
    long before = aborted("interim", "utterance_cut");
    try (StreamClient.Session s = stt.client().listen("ends", r -> {})) {
      // Cut where the speech ends: the utterance is open when end arrives, an interim of it
      // running (interims follow one another while speech goes on; sent 20 times faster than
      // real time, the end comes within a frame of the last speech).
      AudioClip spoken = Clips.head(recording.clip(), Clips.speechEndSeconds(recording.clip()));
      stt.client().stream(
          "ends",
          Clips.padded(spoken, 0.3, 0),
          StreamOptions.realTime().withSpeed(20).withInterimResults(true),
          s);
      List<Received> out = s.awaitEnd(WAIT);
      List<Received> finals = finals(out).stream().filter(r -> !r.transcript().isEmpty()).toList();
      String text = StreamClient.joinTranscripts(out);
      double wer = WordErrorRate.rate(recording.reference(), text);
      System.out.printf("ended mid-utterance: WER %.1f%% \"%s\"%n", 100 * wer, text);
      assertEquals(1, finals.size(), "one final for the one utterance: " + out);
      assertTrue(wer < 0.25, text);
    }
    Await.until(
        () -> aborted("interim", "utterance_cut") > before,
        Duration.ofSeconds(10),
        "the running interim of the ended utterance was aborted");
  }
}
