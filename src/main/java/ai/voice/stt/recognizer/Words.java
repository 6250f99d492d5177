package ai.voice.stt.recognizer;

import ai.voice.stt.recognizer.Transcript.Word;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Whisper's tokens into words: special tokens (timestamps, end of text) are skipped; a token whose
 * text starts with a space begins a new word, any other (a sub-word piece, punctuation) continues
 * the current one. A word's start is its first token's, its end its last token's, its confidence
 * the mean of its tokens' probabilities. Times are made monotonic and kept inside {@code [0,
 * audioSeconds]}: whisper.cpp's token times are estimates and may overlap by a few centiseconds.
 */
public final class Words {
  private final double audioSeconds;
  private final List<Word> words = new ArrayList<>();
  private final ByteArrayOutputStream text = new ByteArrayOutputStream();
  private double start;
  private double end;
  private double probabilitySum;
  private int tokenCount;
  private double allProbabilities;
  private int allTokens;

  /**
   * @param audioSeconds the real length of the stretch (before any padding)
   */
  public Words(double audioSeconds) {
    this.audioSeconds = audioSeconds;
  }

  /**
   * @param text the token's text as whisper.cpp has it (UTF-8 bytes; a piece may split a character)
   * @param t0 start in seconds from the start of the stretch
   * @param t1 end in seconds
   */
  public void add(byte[] text, double t0, double t1, double probability, boolean special) {
    if (special || text.length == 0) {
      return;
    }
    if (text[0] == ' ' && this.text.size() > 0) {
      finishWord();
    }
    if (this.text.size() == 0) {
      start = t0;
    }
    this.text.writeBytes(text);
    end = t1;
    probabilitySum += probability;
    tokenCount++;
    allProbabilities += probability;
    allTokens++;
  }

  /** Ends the current word (between segments). */
  public void endSegment() {
    finishWord();
  }

  public List<Word> words() {
    finishWord();
    return List.copyOf(words);
  }

  /** The mean probability of all text tokens; NaN when there were none. */
  public double confidence() {
    return allTokens == 0 ? Double.NaN : allProbabilities / allTokens;
  }

  /**
   * The words with their times kept inside {@code [from, to]}, where a VAD heard voice:
   * whisper.cpp's token times are estimates, and the first or last token of an utterance often
   * lands in the silence around it (a first sub-word piece on the segment's start, a closing full
   * stop that its energy check found no voice for moved onto the end of the audio), where no VAD
   * heard any. Clamping keeps the words in order and monotonic.
   */
  public static List<Word> keptWithin(List<Word> words, double from, double to) {
    return words.stream()
        .map(
            w -> {
              double s = Math.clamp(w.start(), from, Math.max(from, to));
              return new Word(w.text(), s, Math.clamp(w.end(), s, Math.max(s, to)), w.confidence());
            })
        .toList();
  }

  private void finishWord() {
    if (text.size() == 0) {
      return;
    }
    // "[BLANK_AUDIO]" and the like are no words (TranscriptCleaner).
    String word = TranscriptCleaner.clean(text.toString(StandardCharsets.UTF_8));
    text.reset();
    double confidence = Math.clamp(probabilitySum / tokenCount, 0.0, 1.0);
    probabilitySum = 0;
    tokenCount = 0;
    if (word.isEmpty()) {
      return;
    }
    double floor = words.isEmpty() ? 0.0 : words.getLast().end();
    double s = Math.clamp(start, floor, audioSeconds);
    double e = Math.clamp(end, s, audioSeconds);
    words.add(new Word(word, s, e, confidence));
  }
}
