package ai.voice.stt.recognizer;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whisper servers name languages in full ("english"), as openai/whisper's Python API does; the wire
 * contract uses ISO 639-1 codes ("en"). The JDK's locale data maps between the two.
 */
public final class LanguageNames {
  private static final Map<String, String> CODES = codesByNameAndCode();

  private LanguageNames() {}

  /** "english" or "English" or "en" to "en"; empty when the name is unknown. */
  public static Optional<String> toCode(String nameOrCode) {
    return Optional.ofNullable(CODES.get(nameOrCode.strip().toLowerCase(Locale.ROOT)));
  }

  /** "en" to "english", the form OpenAI and whisper.cpp put in {@code verbose_json}. */
  public static String toName(String code) {
    String name = displayName(code);
    return name.isEmpty() ? code : name;
  }

  private static Map<String, String> codesByNameAndCode() {
    Map<String, String> codes = new HashMap<>();
    for (String code : Locale.getISOLanguages()) {
      codes.putIfAbsent(displayName(code), code);
      codes.put(code, code);
    }
    codes.remove("");
    return Map.copyOf(codes);
  }

  private static String displayName(String code) {
    return Locale.forLanguageTag(code).getDisplayLanguage(Locale.ENGLISH).toLowerCase(Locale.ROOT);
  }
}
