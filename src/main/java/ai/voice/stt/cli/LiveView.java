package ai.voice.stt.cli;

import ai.voice.stt.client.Received;
import java.io.PrintStream;

/**
 * Prints results as a live transcript on a terminal: the interim hypothesis of the utterance being
 * spoken is rewritten in place on the current line (stable words, then the unstable rest in
 * brackets) until its final replaces it on a line of its own.
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
              + (unstable.isEmpty() ? "" : (stable.isEmpty() ? "" : " ") + "[" + unstable + "]");
      out.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
      shown = line.length();
    } else {
      out.print("\r" + " ".repeat(shown) + "\r");
      shown = 0;
      out.println(received);
    }
    out.flush();
  }
}
