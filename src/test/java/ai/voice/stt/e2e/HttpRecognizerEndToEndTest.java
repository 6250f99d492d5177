package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import ai.voice.stt.support.WhisperServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The streaming test of the core issue with the recognizer moved out of process: a real
 * nats-server, the service with {@code STT_RECOGNIZER=http}, and {@code stt whisper-server} as a
 * separate process holding the real tiny.en model. Beside it runs the same service with the local
 * recognizer; both see the same recordings streamed the same way, one after the other (two services
 * transcribing at once on two cores can starve the streaming path and move a cut).
 *
 * <p>Both sides run whisper.cpp with the same parameters (1 thread per call, 2 workers, audio_ctx
 * auto) and the audio crosses the HTTP hop as 16-bit WAV, which reproduces the service's samples
 * exactly, so the transcripts are expected to be identical word for word, not merely close.
 */
class HttpRecognizerEndToEndTest {
  private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(90);
  private static final double CUT_TOLERANCE = 0.6;
  private static final Map<String, String> SAME_WHISPER =
      Map.of(
          "STT_WHISPER_THREADS",
          "1",
          "STT_INFERENCE_WORKERS",
          "2",
          "STT_WHISPER_AUDIO_CTX",
          "auto");
  private static WhisperServerProcess whisper;
  private static ServiceUnderTest overHttp;
  private static ServiceUnderTest local;

  @BeforeAll
  static void start() throws Exception {
    whisper =
        WhisperServerProcess.started(
            List.of("--threads", "1", "--workers", "2", "--audio-ctx", "auto"));
    overHttp = new ServiceUnderTest(Map.of("STT_RECOGNIZER", "http", "WHISPER_URL", whisper.url()));
    local = new ServiceUnderTest(SAME_WHISPER);
  }

  @AfterAll
  static void stop() {
    if (overHttp != null) {
      overHttp.close();
    }
    if (local != null) {
      local.close();
    }
    if (whisper != null) {
      whisper.close();
    }
  }

  @Test
  void multiUtteranceStreamOverHttpGivesTheLocalRecognizersTranscriptsResultForResult()
      throws Exception {
    TestData.Stream stream = TestData.stream("multi_utterance");
    List<Received> out =
        streamAndCollect(overHttp, "http-multi", stream.clip(), StreamOptions.realTime());
    List<Received> results = out.stream().filter(Received::isTranscription).toList();

    // The same assertions as StreamingTranscriptionTest, now through the HTTP hop.
    for (int i = 0; i < results.size(); i++) {
      assertEquals(i, results.get(i).sequence(), "sequence must be 0, 1, 2 ... without gaps");
    }
    assertTrue(results.getLast().endOfStream(), "end_of_stream must be the last result");
    assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
    List<Received> spoken = results.stream().filter(r -> !r.transcript().isBlank()).toList();
    assertEquals(stream.utterances().size(), spoken.size(), "one final per utterance: " + spoken);
    double wer = WordErrorRate.rate(stream.reference(), StreamClient.joinTranscripts(out));
    System.out.printf("multi_utterance over HTTP: WER %.1f%%%n", 100 * wer);
    assertTrue(wer < 0.25, "WER " + wer);

    // Whether the last utterance carries end_of_stream or an empty result follows it depends on
    // when "end" arrives relative to that recognition, so the spoken results are compared.
    List<Received> localSpoken =
        streamAndCollect(local, "local-multi", stream.clip(), StreamOptions.realTime()).stream()
            .filter(Received::isTranscription)
            .filter(r -> !r.transcript().isBlank())
            .toList();
    assertEquals(localSpoken.size(), spoken.size(), "same utterances: " + localSpoken);
    for (int i = 0; i < spoken.size(); i++) {
      Received http = spoken.get(i);
      Received reference = localSpoken.get(i);
      System.out.printf(
          "#%d local=\"%s\" http=\"%s\"%n", i, reference.transcript(), http.transcript());
      assertEquals(
          WordErrorRate.words(reference.transcript()),
          WordErrorRate.words(http.transcript()),
          "utterance " + i);
      // Cuts come from the same audio, so they match; a chunk-timeout flush on a starved machine
      // can still move one within the end-pointing window, which is not the recognizer's doing.
      assertEquals(
          reference.number("audio_start"), http.number("audio_start"), CUT_TOLERANCE, "start");
      if (!reference.endOfStream() && !http.endOfStream()) {
        assertEquals(reference.number("audio_end"), http.number("audio_end"), CUT_TOLERANCE, "end");
      }
      assertEquals(reference.segments().size(), http.segments().size(), "segments of " + i);
    }
  }

  @Test
  void corpusRecordingsAndResampledVariantsOverHttpGiveTheLocalRecognizersWords() throws Exception {
    record Case(String id, AudioClip clip) {}
    List<Case> cases =
        List.of(
            new Case("austen_0870", TestData.recording("austen_0870").clip()),
            new Case("austen_0930", TestData.recording("austen_0930").clip()),
            new Case("cards_001", TestData.recording("cards_001").clip()),
            new Case("goforward", TestData.recording("goforward").clip()),
            new Case("tidigits", TestData.recording("tidigits_2934z").clip()),
            new Case("48k-stereo", TestData.variant("austen_0870_48k_stereo.wav")),
            new Case("8k", TestData.variant("austen_0870_8k.wav")));
    StreamOptions fast = StreamOptions.realTime().withSpeed(4);
    for (Case c : cases) {
      List<Received> viaLocal = streamAndCollect(local, "local-" + c.id(), c.clip(), fast);
      List<Received> viaHttp = streamAndCollect(overHttp, "http-" + c.id(), c.clip(), fast);
      String expected = StreamClient.joinTranscripts(viaLocal);
      String actual = StreamClient.joinTranscripts(viaHttp);
      System.out.printf("%-12s local=\"%s\" http=\"%s\"%n", c.id(), expected, actual);
      assertTrue(viaHttp.stream().noneMatch(r -> r.type().equals("error")), viaHttp.toString());
      assertEquals(WordErrorRate.words(expected), WordErrorRate.words(actual), c.id());
    }
  }

  private static List<Received> streamAndCollect(
      ServiceUnderTest stt, String id, AudioClip clip, StreamOptions options) throws Exception {
    try (StreamClient.Session session = stt.client().listen(id, r -> {})) {
      stt.client().stream(id, clip, options, session);
      return session.awaitEnd(RESULT_TIMEOUT);
    }
  }
}
