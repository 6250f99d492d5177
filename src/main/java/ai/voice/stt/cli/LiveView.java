package ai.voice.stt.cli;

import ai.voice.stt.client.Received;
import java.io.PrintStream;

/**
 * Prints results as a live transcript on a terminal: the interim hypothesis of the utterance being
 * spoken is rewritten in place on the current line (stable words, then the unstable rest in
 * brackets, and with {@code --words} its doubtful words: "?clubs 0.31") until its final replaces it
 * on a line of its own.
 */
final class LiveView {
  private final PrintStream out;
  private int shown;

  LiveView(PrintStream out) {
    this.out = out;
  }

  synchronized void show(Received received) {
    if (received.type().equals("interim")) {
      String stable = received.string("stable");
      String unstable = received.string("unstable");
      String line =
          "… "
              + stable
              + (unstable.isEmpty() ? "" : (stable.isEmpty() ? "" : " ") + "[" + unstable + "]")
              + doubtful(received);
      out.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
      shown = line.length();
    } else {
      out.print("\r" + " ".repeat(shown) + "\r");
      shown = 0;
      out.println(received);
    }
    out.flush();
  }

  /**
   * The interim's words under {@link Received#LOW_CONFIDENCE} with their confidence ({@code
   * --words}): " ?clubs 0.31".
   */
  private static String doubtful(Received interim) {
    StringBuilder marks = new StringBuilder();
    for (var w : interim.words()) {
      double confidence = ((Number) w.get("confidence")).doubleValue();
      if (confidence < Received.LOW_CONFIDENCE) {
        marks.append(String.format("  ?%s %.2f", w.get("word"), confidence));
      }
    }
    return marks.toString();
  }
}
