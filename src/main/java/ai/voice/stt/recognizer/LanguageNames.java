package ai.voice.stt.recognizer;

import java.util.Locale;
import java.util.Optional;

/**
 * Whisper servers name languages in full ("english"), as openai/whisper's Python API does; the wire
 * contract uses ISO 639-1 codes ("en"). The JDK's locale data maps between the two.
 */
public final class LanguageNames {
  private LanguageNames() {}

  /** "english" or "English" or "en" to "en"; empty when the name is unknown. */
  public static Optional<String> toCode(String nameOrCode) {
    String wanted = nameOrCode.strip().toLowerCase(Locale.ROOT);
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    for (String code : Locale.getISOLanguages()) {
      if (code.equals(wanted) || displayName(code).equals(wanted)) {
        return Optional.of(code);
      }
    }
    return Optional.empty();
  }

  /** "en" to "english", the form OpenAI and whisper.cpp put in {@code verbose_json}. */
  public static String toName(String code) {
    String name = displayName(code);
    return name.isEmpty() ? code : name;
  }

  private static String displayName(String code) {
    return Locale.forLanguageTag(code).getDisplayLanguage(Locale.ENGLISH).toLowerCase(Locale.ROOT);
  }
}
