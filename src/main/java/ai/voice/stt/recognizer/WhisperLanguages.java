package ai.voice.stt.recognizer;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The languages Whisper knows, by the codes whisper.cpp ({@code whisper_lang_id}) and the OpenAI
 * transcription API take. Both recognizers pass a session's {@code language} on as it is, and
 * whisper.cpp fails the whole recognition for a code not in this list, so a {@code start} is
 * checked against it once instead.
 */
public final class WhisperLanguages {
  // whisper.cpp's g_lang table (the 100 languages of the multilingual models), in its order.
  private static final Set<String> CODES =
      Set.of(
          "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv",
          "it", "id", "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no",
          "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr",
          "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw",
          "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu",
          "am", "yi", "lo", "uz", "fo", "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl",
          "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue");

  private WhisperLanguages() {}

  /**
   * The Whisper code of a language given by its code ("en", "EN") or English name ("english"), as
   * openai/whisper also accepts; empty when Whisper does not know it.
   */
  public static Optional<String> code(String codeOrName) {
    String lower = codeOrName.strip().toLowerCase(Locale.ROOT);
    if (CODES.contains(lower)) {
      return Optional.of(lower);
    }
    return LanguageNames.toCode(lower).filter(CODES::contains);
  }
}
