package ai.voice.stt.recognizer.http;

import ai.voice.stt.config.SttConfig.HttpWhisper;
import ai.voice.stt.config.SttConfig.ResponseFormat;
import ai.voice.stt.recognizer.Hints;
import java.net.URI;

/**
 * The two request shapes Whisper servers speak. Both take a multipart form with the audio as a WAV
 * {@code file} part and answer in the same JSON shape (see {@link TranscriptionResponse}).
 */
sealed interface ApiShape {

  /** Where requests go, given WHISPER_URL. */
  URI endpoint(URI base);

  /** The form fields of one request, after the {@code file} part. */
  void addFields(MultipartBody form, Hints hints);

  String describe();

  static ApiShape of(HttpWhisper settings) {
    return switch (settings.api()) {
      case OPENAI -> new OpenAiTranscriptions(settings.model(), settings.responseFormat());
      case WHISPER_CPP -> new WhisperCppInference(settings.responseFormat());
    };
  }

  /**
   * OpenAI's {@code POST /v1/audio/transcriptions} (API reference, "Create transcription"): parts
   * {@code file} and {@code model} (required), {@code language} (ISO 639-1), {@code
   * response_format} ({@code json}, {@code text}, {@code srt}, {@code verbose_json}, {@code vtt}),
   * {@code temperature} and {@code prompt} (text to guide the model's style or continue a previous
   * segment; the session's vocabulary). Served by OpenAI, vLLM, faster-whisper servers and {@code
   * stt whisper-server}.
   */
  record OpenAiTranscriptions(String model, ResponseFormat format) implements ApiShape {
    private static final String ROUTE = "/audio/transcriptions";

    @Override
    public URI endpoint(URI base) {
      String path = trimmed(base);
      if (path.endsWith(ROUTE)) {
        return base;
      }
      // Accept the OpenAI SDKs' base-URL convention (".../v1") as well as a bare host.
      return withPath(base, path.endsWith("/v1") ? path + ROUTE : path + "/v1" + ROUTE);
    }

    @Override
    public void addFields(MultipartBody form, Hints hints) {
      form.field("model", model);
      form.field("response_format", format.wireName());
      // Greedy decoding: the same audio gives the same words, as with the local recognizer.
      form.field("temperature", "0");
      hints.language().ifPresent(l -> form.field("language", l));
      hints.prompt().ifPresent(p -> form.field("prompt", p));
    }

    @Override
    public String describe() {
      return "OpenAI API, model " + model + ", " + format.wireName();
    }
  }

  /**
   * whisper.cpp's {@code whisper-server} {@code POST /inference} (examples/server/README.md and
   * server.cpp): parts {@code file}, {@code temperature}, {@code temperature_inc}, {@code
   * response_format} ({@code json}, {@code text}, {@code srt}, {@code vtt}, {@code verbose_json}),
   * optional {@code language} and {@code prompt} (the initial prompt). It has no {@code model}
   * field: the server runs the model it was started with.
   */
  record WhisperCppInference(ResponseFormat format) implements ApiShape {
    private static final String ROUTE = "/inference";

    @Override
    public URI endpoint(URI base) {
      String path = trimmed(base);
      return path.endsWith(ROUTE) ? base : withPath(base, path + ROUTE);
    }

    @Override
    public void addFields(MultipartBody form, Hints hints) {
      // As the README's request example; 0.2 is also the server's and whisper.cpp's default,
      // so decoding matches the local recognizer's (greedy, with whisper.cpp's fallback).
      form.field("temperature", "0.0");
      form.field("temperature_inc", "0.2");
      form.field("response_format", format.wireName());
      hints.language().ifPresent(l -> form.field("language", l));
      hints.prompt().ifPresent(p -> form.field("prompt", p));
    }

    @Override
    public String describe() {
      return "whisper.cpp /inference API, " + format.wireName();
    }
  }

  private static String trimmed(URI base) {
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static URI withPath(URI base, String path) {
    return base.resolve(URI.create(path));
  }
}
