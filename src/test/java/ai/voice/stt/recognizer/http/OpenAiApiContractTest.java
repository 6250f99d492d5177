package ai.voice.stt.recognizer.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.audio.WavReader;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig.HttpWhisper;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.RecognitionException;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.recognizer.Transcript.Timed;
import ai.voice.stt.support.FakeWhisperServer;
import ai.voice.stt.support.FakeWhisperServer.Response;
import ai.voice.stt.support.FormData;
import ai.voice.stt.support.TestData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The client against OpenAI's documented "Create transcription" contract (API reference, Audio:
 * {@code POST /v1/audio/transcriptions}), checked on the bytes a server receives.
 *
 * <p>Request: {@code multipart/form-data} with {@code file} (the audio, with a file name), {@code
 * model} (required), {@code response_format} ({@code verbose_json} for segments), {@code
 * temperature}, {@code language} (ISO-639-1, optional); {@code Authorization: Bearer $KEY}. Answer:
 * the TranscriptionVerbose object: {@code task}, {@code language} (a full name such as "english"),
 * {@code duration}, {@code text}, {@code segments[]} with {@code id}, {@code seek}, {@code start},
 * {@code end}, {@code text}, {@code tokens}, {@code temperature}, {@code avg_logprob}, {@code
 * compression_ratio}, {@code no_speech_prob}; for {@code json} the Transcription object {@code
 * {"text"}}. Errors: a 4xx/5xx status with {@code {"error": {"message", "type", "param", "code"}}}.
 */
class OpenAiApiContractTest {
  // Shaped like the reference's verbose_json example, including the fields we ignore.
  private static final String VERBOSE_JSON =
      """
      {
        "task": "transcribe",
        "language": "english",
        "duration": 2.7862499,
        "text": "Go forward. Ten meters.",
        "segments": [
          {"id": 0, "seek": 0, "start": 0.0, "end": 1.24, "text": " Go forward.",
           "tokens": [50364, 1037, 2128, 13, 50426], "temperature": 0.0,
           "avg_logprob": -0.31, "compression_ratio": 0.79, "no_speech_prob": 0.01},
          {"id": 1, "seek": 0, "start": 1.24, "end": 2.78, "text": " Ten meters.",
           "tokens": [50426, 9380, 8146, 13, 50503], "temperature": 0.0,
           "avg_logprob": -0.22, "compression_ratio": 0.79, "no_speech_prob": 0.01}
        ]
      }
      """;

  @Test
  void aSessionsVocabularyGoesAsThePromptFieldAndOnlyWhenThereIsOne() throws Exception {
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(200, VERBOSE_JSON));
        HttpWhisperRecognizer recognizer = recognizer(server, Map.of())) {
      recognizer.transcribe(
          new float[16_000],
          new Hints(Optional.of("en"), Optional.of("Siobhan Nakashima, Zyrtec")));
      recognizer.transcribe(new float[16_000], Hints.NONE);

      List<FormData.Part> hinted =
          FormData.parse(
              server.requests().get(0).header("Content-Type"), server.requests().get(0).body());
      assertEquals("Siobhan Nakashima, Zyrtec", FormData.part(hinted, "prompt").text());
      List<FormData.Part> plain =
          FormData.parse(
              server.requests().get(1).header("Content-Type"), server.requests().get(1).body());
      assertFalse(FormData.names(plain).contains("prompt"), "no vocabulary, no prompt field");
    }
  }

  @Test
  void requestIsAMultipartFormWithTheDocumentedPartsAndABearerKey() throws Exception {
    AudioClip clip = TestData.recording("goforward").clip();
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(200, VERBOSE_JSON));
        HttpWhisperRecognizer recognizer =
            recognizer(server, Map.of("STT_WHISPER_API_KEY", "sk-test-123"))) {
      recognizer.transcribe(samples(clip), Optional.of("en"));

      FakeWhisperServer.Request request = server.requests().getFirst();
      assertEquals("POST", request.method());
      assertEquals("/v1/audio/transcriptions", request.path());
      assertEquals("Bearer sk-test-123", request.header("Authorization"));
      List<FormData.Part> parts = FormData.parse(request.header("Content-Type"), request.body());
      assertEquals(
          List.of("file", "model", "response_format", "temperature", "language"),
          FormData.names(parts));
      FormData.Part file = FormData.part(parts, "file");
      assertEquals(Optional.of("audio.wav"), file.fileName());
      assertEquals(Optional.of("audio/wav"), file.contentType());
      AudioClip sent = WavReader.parse(file.content(), "file");
      assertEquals(16_000, sent.sampleRate());
      assertEquals(1, sent.channels());
      assertArrayEquals(clip.pcm(), sent.pcm(), "the WAV carries the samples exactly");
      assertEquals("whisper-1", FormData.part(parts, "model").text());
      assertEquals("verbose_json", FormData.part(parts, "response_format").text());
      assertEquals("0", FormData.part(parts, "temperature").text());
      assertEquals("en", FormData.part(parts, "language").text());
    }
  }

  @Test
  void withoutALanguageOrKeyThoseAreLeftOut() throws Exception {
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(200, VERBOSE_JSON));
        HttpWhisperRecognizer recognizer = recognizer(server, Map.of())) {
      recognizer.transcribe(samples(TestData.recording("goforward").clip()), Optional.empty());
      FakeWhisperServer.Request request = server.requests().getFirst();
      assertEquals(null, request.header("Authorization"));
      assertFalse(
          FormData.names(FormData.parse(request.header("Content-Type"), request.body()))
              .contains("language"));
    }
  }

  @Test
  void verboseJsonSegmentsBecomeTheTranscriptsTimedTextAndTheLanguageAnIsoCode() throws Exception {
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(200, VERBOSE_JSON));
        HttpWhisperRecognizer recognizer = recognizer(server, Map.of())) {
      Transcript t =
          recognizer.transcribe(samples(TestData.recording("goforward").clip()), Optional.empty());
      assertEquals("Go forward. Ten meters.", t.text());
      assertEquals(
          List.of(new Timed("Go forward.", 0.0, 1.24), new Timed("Ten meters.", 1.24, 2.78)),
          t.segments());
      assertEquals(Optional.of("en"), t.language());
      assertTrue(t.processingSeconds() > 0);
    }
  }

  @Test
  void jsonFormatAsksForJsonAndGivesTheTextAsOneSegment() throws Exception {
    try (FakeWhisperServer server =
            FakeWhisperServer.answering(Response.json(200, "{\"text\": \" Go forward.\"}"));
        HttpWhisperRecognizer recognizer =
            recognizer(server, Map.of("STT_WHISPER_HTTP_RESPONSE_FORMAT", "json"))) {
      float[] audio = samples(TestData.recording("goforward").clip());
      Transcript t = recognizer.transcribe(audio, Optional.empty());
      FakeWhisperServer.Request request = server.requests().getFirst();
      List<FormData.Part> parts = FormData.parse(request.header("Content-Type"), request.body());
      assertEquals("json", FormData.part(parts, "response_format").text());
      assertEquals("Go forward.", t.text());
      assertEquals(List.of(new Timed("Go forward.", 0, audio.length / 16_000.0)), t.segments());
    }
  }

  @Test
  void verboseJsonWithoutSegmentsKeepsItsText() throws Exception {
    String noSegments = "{\"task\":\"transcribe\",\"text\":\"Go forward.\",\"segments\":[]}";
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(200, noSegments));
        HttpWhisperRecognizer recognizer = recognizer(server, Map.of())) {
      assertEquals(
          "Go forward.", recognizer.transcribe(new float[16_000], Optional.empty()).text());
    }
  }

  @Test
  void baseUrlsInTheOpenAiSdkStyleEndingInV1AreAccepted() throws Exception {
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(200, VERBOSE_JSON));
        HttpWhisperRecognizer recognizer =
            recognizer(server, Map.of("WHISPER_URL", server.url() + "/v1/"))) {
      recognizer.transcribe(new float[16_000], Optional.empty());
      assertEquals("/v1/audio/transcriptions", server.requests().getFirst().path());
    }
  }

  @Test
  void anErrorObjectIsQuotedAndAClientErrorIsNotRetried() throws Exception {
    String error =
        "{\"error\": {\"message\": \"The model `whisper-9` does not exist\","
            + " \"type\": \"invalid_request_error\", \"param\": \"model\", \"code\": null}}";
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(404, error));
        HttpWhisperRecognizer recognizer =
            recognizer(server, Map.of("STT_WHISPER_HTTP_MODEL", "whisper-9"))) {
      RecognitionException e =
          assertThrows(
              RecognitionException.class,
              () -> recognizer.transcribe(new float[16_000], Optional.empty()));
      assertEquals(RecognitionException.Kind.FAILED, e.kind());
      assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
      assertTrue(e.getMessage().contains("The model `whisper-9` does not exist"), e.getMessage());
      assertEquals(1, server.requestCount());
    }
  }

  static HttpWhisperRecognizer recognizer(FakeWhisperServer server, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("WHISPER_URL", server.url());
    env.put("STT_WHISPER_HTTP_BACKOFF_MS", "10");
    env.putAll(extra);
    HttpWhisper settings = ConfigLoader.load(env, 2).recognition().http();
    return new HttpWhisperRecognizer(settings);
  }

  static float[] samples(AudioClip clip) {
    short[] mono = Pcm16.toMono(clip.pcm(), clip.channels());
    return Pcm16.toFloat(mono, 0, mono.length);
  }
}
