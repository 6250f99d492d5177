package ai.voice.stt.recognizer;

import java.util.Objects;
import java.util.Optional;

/**
 * What a session asks of each of its recognitions besides the audio.
 *
 * @param language ISO code, or empty for the model's default
 * @param prompt text the speaker is likely to say (the session's vocabulary), given to the model as
 *     the text that came before; empty for none
 */
public record Hints(Optional<String> language, Optional<String> prompt) {
  public static final Hints NONE = new Hints(Optional.empty(), Optional.empty());

  public Hints {
    Objects.requireNonNull(language);
    Objects.requireNonNull(prompt);
  }

  /** Only a language (or none): no prompt. */
  public static Hints language(Optional<String> language) {
    return new Hints(language, Optional.empty());
  }
}
