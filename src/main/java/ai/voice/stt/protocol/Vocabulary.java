package ai.voice.stt.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A session's vocabulary hint ({@code "vocabulary"} in {@code start}, an extension): words and
 * phrases to expect (names, product terms), handed to the recognizer as its prompt for every
 * recognition of the session.
 *
 * <p>The bounds follow from what Whisper can use: its decoder sees at most 224 prompt tokens (half
 * its 448-token text context; whisper.cpp keeps the <em>last</em> 224 of a longer prompt and drops
 * the rest without a word). A token is at least one byte of UTF-8, so {@value #MAX_TERMS} terms of
 * {@value #MAX_BYTES} bytes in all, joined by {@code ", "} and closed by a full stop, make a prompt
 * of at most 223 tokens: every term the client sent reaches the model. Beyond the bounds the {@code
 * start} is refused ({@code bad_message}), never cut.
 */
public final class Vocabulary {
  /** At most this many terms. */
  public static final int MAX_TERMS = 32;

  /** At most this many bytes of UTF-8 in all terms together (after trimming each). */
  public static final int MAX_BYTES = 160;

  private static final String SEPARATOR = ", ";

  private Vocabulary() {}

  /**
   * The terms as the session keeps them: each trimmed of surrounding white space.
   *
   * @throws ProtocolException {@code bad_message} naming the first term or bound that fails: an
   *     empty term, a control character, more than {@value #MAX_TERMS} terms or {@value #MAX_BYTES}
   *     bytes
   */
  public static List<String> validate(List<String> terms) throws ProtocolException {
    if (terms.size() > MAX_TERMS) {
      throw bad("field 'vocabulary' has " + terms.size() + " terms (at most " + MAX_TERMS + ")");
    }
    List<String> kept = new ArrayList<>(terms.size());
    int bytes = 0;
    for (int i = 0; i < terms.size(); i++) {
      String term = terms.get(i).strip();
      if (term.isEmpty()) {
        throw bad("vocabulary term " + i + " is empty");
      }
      int bad = firstUnprintable(term);
      if (bad >= 0) {
        throw bad(
            String.format(
                Locale.ROOT,
                "vocabulary term %d contains the control character U+%04X (terms are plain text)",
                i,
                bad));
      }
      bytes += term.getBytes(StandardCharsets.UTF_8).length;
      kept.add(term);
    }
    if (bytes > MAX_BYTES) {
      throw bad(
          "field 'vocabulary' holds "
              + bytes
              + " bytes of text (at most "
              + MAX_BYTES
              + " bytes of UTF-8 in all terms together)");
    }
    return List.copyOf(kept);
  }

  /**
   * The recognizer's prompt for these terms, closed by a full stop; empty when there are none.
   * Whisper continues the style of the text before: a bare list made it drop the final full stop of
   * 27 of 28 hinted transcripts (docs/benchmarks.md, "Vocabulary hints"), and with it the shorter
   * end pause after a sentence.
   */
  public static Optional<String> prompt(List<String> terms) {
    if (terms.isEmpty()) {
      return Optional.empty();
    }
    String list = String.join(SEPARATOR, terms);
    return Optional.of(list.matches("(?s).*[.?!]$") ? list : list + ".");
  }

  /** The first control, line or paragraph separator code point, or -1. */
  private static int firstUnprintable(String term) {
    return term.codePoints()
        .filter(
            c -> {
              int type = Character.getType(c);
              return type == Character.CONTROL
                  || type == Character.LINE_SEPARATOR
                  || type == Character.PARAGRAPH_SEPARATOR;
            })
        .findFirst()
        .orElse(-1);
  }

  private static ProtocolException bad(String message) {
    return new ProtocolException(ErrorCode.BAD_MESSAGE, message);
  }
}
