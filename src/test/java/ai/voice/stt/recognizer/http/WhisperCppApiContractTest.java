package ai.voice.stt.recognizer.http;

import static ai.voice.stt.recognizer.http.OpenAiApiContractTest.recognizer;
import static ai.voice.stt.recognizer.http.OpenAiApiContractTest.samples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.WavReader;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.RecognitionException;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.recognizer.Transcript.Timed;
import ai.voice.stt.support.FakeWhisperServer;
import ai.voice.stt.support.FakeWhisperServer.Response;
import ai.voice.stt.support.FormData;
import ai.voice.stt.support.TestData;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The client against whisper.cpp's {@code whisper-server} (examples/server): the request its
 * README's {@code /inference} example sends ({@code curl -F file=@... -F temperature="0.0" -F
 * temperature_inc="0.2" -F response_format="json"}; this client asks for {@code verbose_json}), the
 * fields server.cpp reads ({@code language} among them; no {@code model}), and the answers
 * server.cpp writes: {@code verbose_json} as {@code task}, {@code language} (full name via
 * whisper_lang_str_full), {@code duration}, {@code text} (segments joined by newlines), {@code
 * segments[]} with {@code id}, {@code text}, {@code start}, {@code end} (t0/t1 × 0.01 s), {@code
 * tokens}, {@code words[]}, {@code temperature}, {@code avg_logprob}, {@code no_speech_prob}; and
 * failures such as an unreadable WAV as HTTP 200 with {@code {"error": "..."}}.
 */
class WhisperCppApiContractTest {
  private static final String VERBOSE_JSON =
      """
      {"task":"transcribe","language":"english","duration":2.7862499,
       "text":" Go forward, 10 meters.\\n",
       "segments":[{"id":0,"text":" Go forward, 10 meters.","start":0.0,"end":2.5,
         "tokens":[1037,2128,11,1266,8146,13],
         "words":[{"word":" Go","start":0.0,"end":0.32,"t_dtw":-1,"probability":0.93}],
         "temperature":0.0,"avg_logprob":-0.28,"no_speech_prob":0.004}]}
      """;

  private static final Map<String, String> WHISPER_CPP = Map.of("STT_WHISPER_API", "whisper-cpp");

  @Test
  void requestHasTheDocumentedInferenceParts() throws Exception {
    AudioClip clip = TestData.recording("goforward").clip();
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(200, VERBOSE_JSON));
        HttpWhisperRecognizer recognizer = recognizer(server, WHISPER_CPP)) {
      recognizer.transcribe(samples(clip), Optional.of("en"));

      FakeWhisperServer.Request request = server.requests().getFirst();
      assertEquals("POST", request.method());
      assertEquals("/inference", request.path());
      List<FormData.Part> parts = FormData.parse(request.header("Content-Type"), request.body());
      assertEquals(
          List.of("file", "temperature", "temperature_inc", "response_format", "language"),
          FormData.names(parts));
      FormData.Part file = FormData.part(parts, "file");
      assertTrue(file.fileName().isPresent(), "server.cpp logs the file name");
      assertArrayEquals(clip.pcm(), WavReader.parse(file.content(), "file").pcm());
      assertEquals("0.0", FormData.part(parts, "temperature").text());
      assertEquals("0.2", FormData.part(parts, "temperature_inc").text());
      assertEquals("verbose_json", FormData.part(parts, "response_format").text());
      assertEquals("en", FormData.part(parts, "language").text());
    }
  }

  @Test
  void aSessionsVocabularyGoesAsThePromptField() throws Exception {
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(200, VERBOSE_JSON));
        HttpWhisperRecognizer recognizer = recognizer(server, WHISPER_CPP)) {
      recognizer.transcribe(new float[16_000], new Hints(Optional.empty(), Optional.of("Zyrtec")));

      FakeWhisperServer.Request request = server.requests().getFirst();
      List<FormData.Part> parts = FormData.parse(request.header("Content-Type"), request.body());
      assertEquals("Zyrtec", FormData.part(parts, "prompt").text());
    }
  }

  @Test
  void verboseJsonAnswerBecomesTheTranscript() throws Exception {
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(200, VERBOSE_JSON));
        HttpWhisperRecognizer recognizer = recognizer(server, WHISPER_CPP)) {
      Transcript t = recognizer.transcribe(new float[16_000], Optional.empty());
      assertEquals("Go forward, 10 meters.", t.text());
      assertEquals(List.of(new Timed("Go forward, 10 meters.", 0.0, 2.5)), t.segments());
      assertEquals(Optional.of("en"), t.language());
    }
  }

  @Test
  void nonSpeechCaptionsAreRemovedLikeTheLocalRecognizers() throws Exception {
    String blank =
        "{\"text\":\" [BLANK_AUDIO]\\n\",\"segments\":[{\"id\":0,\"text\":\" [BLANK_AUDIO]\","
            + "\"start\":0.0,\"end\":1.0}]}";
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(200, blank));
        HttpWhisperRecognizer recognizer = recognizer(server, WHISPER_CPP)) {
      Transcript t = recognizer.transcribe(new float[16_000], Optional.empty());
      assertEquals("", t.text());
      assertEquals(List.of(), t.segments());
    }
  }

  @Test
  void anErrorReportedWithStatus200IsARecognizerErrorAndNotRetried() throws Exception {
    try (FakeWhisperServer server =
            FakeWhisperServer.answering(
                Response.json(200, "{\"error\":\"failed to read WAV file\"}"));
        HttpWhisperRecognizer recognizer = recognizer(server, WHISPER_CPP)) {
      RecognitionException e =
          assertThrows(
              RecognitionException.class,
              () -> recognizer.transcribe(new float[16_000], Optional.empty()));
      assertEquals(RecognitionException.Kind.FAILED, e.kind());
      assertTrue(e.getMessage().contains("failed to read WAV file"), e.getMessage());
      assertEquals(1, server.requestCount());
    }
  }

  @Test
  void aUrlThatAlreadyNamesTheRouteIsUsedAsItIs() throws Exception {
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(200, VERBOSE_JSON));
        HttpWhisperRecognizer recognizer =
            recognizer(
                server,
                Map.of(
                    "STT_WHISPER_API",
                    "whisper-cpp",
                    "WHISPER_URL",
                    server.url() + "/inference"))) {
      recognizer.transcribe(new float[16_000], Optional.empty());
      assertEquals("/inference", server.requests().getFirst().path());
    }
  }
}
