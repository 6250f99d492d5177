package ai.voice.stt.eval;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.WavReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Spoken requests for the end-of-turn measurements and tests, generated at run time with espeak-ng
 * and sox (nothing is committed): each is one sentence said in one breath, with an SSML break of a
 * chosen length after its first words ({@code head}), so the pause sits mid-sentence with the
 * voice's mid-sentence intonation, and the whole request followed by trailing silence.
 */
public final class TurnRequests {
  /** A request split where a user might pause mid-thought. */
  public record Request(String head, String tail) {
    public String sentence() {
      return head + " " + tail;
    }
  }

  /** 24 requests; most heads end in a word that cannot end a request, some do not. */
  public static final List<Request> REQUESTS =
      List.of(
          new Request("I would like to order", "a taxi for two"),
          new Request("Can you remind me to", "call my mother tomorrow"),
          new Request("What is the weather like in", "Paris this weekend"),
          new Request("Please set an alarm for", "seven thirty in the morning"),
          new Request("Play some music by", "the Beatles in the kitchen"),
          new Request("Send a message to", "Anna saying I will be late"),
          new Request("How long does it take to", "drive to the airport"),
          new Request("Turn off the lights in", "the living room"),
          new Request("Add milk and eggs to", "my shopping list"),
          new Request("Tell me a story about", "a dragon and a knight"),
          new Request("Book a table for", "four people at eight"),
          new Request("What time does the", "pharmacy close today"),
          new Request("I need directions to", "the nearest train station"),
          new Request("Find me a recipe with", "chicken and rice"),
          new Request("Call the doctor and", "ask about my appointment"),
          new Request("Read me the latest news about", "the football match"),
          new Request("Translate good morning into", "Spanish please"),
          new Request("Schedule a meeting with", "the design team on Monday"),
          new Request("How far is it from", "Berlin to Munich"),
          new Request("Remind me to buy", "flowers for my wife"),
          new Request("Set the thermostat to", "twenty one degrees"),
          new Request("Order a large pizza with", "mushrooms and olives"),
          new Request("What is the capital of", "Australia"),
          new Request("Open the garage door", "and turn on the porch light"));

  /** Short complete answers. */
  public static final List<String> SHORT_ANSWERS =
      List.of("Yes.", "No.", "Stop.", "Thank you.", "That's right.", "Cancel it.");

  private TurnRequests() {}

  /**
   * The request with a pause of {@code pauseMs} after its head, 0.3 s of silence before and {@code
   * trailingMs} after it, as 16 kHz mono PCM16 (written under {@code dir}, reused when present).
   */
  public static AudioClip withPause(Request request, int pauseMs, int trailingMs, Path dir)
      throws IOException {
    String ssml =
        "<speak>"
            + request.head()
            + " <break time=\""
            + pauseMs
            + "ms\"/> "
            + request.tail()
            + ".</speak>";
    return speak(ssml, trailingMs, dir);
  }

  /** A complete sentence in one breath, 0.3 s of silence before and {@code trailingMs} after. */
  public static AudioClip sentence(String text, int trailingMs, Path dir) throws IOException {
    return speak("<speak>" + text + "</speak>", trailingMs, dir);
  }

  private static AudioClip speak(String ssml, int trailingMs, Path dir) throws IOException {
    String name = Integer.toHexString(ssml.hashCode()) + "-" + trailingMs;
    Path wav = dir.resolve(name + ".wav");
    if (!Files.exists(wav)) {
      Files.createDirectories(dir);
      Path raw = dir.resolve(name + ".espeak.wav");
      SpeechSynthesis.espeak(raw, ssml, "en-us", 160, true);
      SpeechSynthesis.toPcm16k(raw, wav, 0.3, trailingMs / 1000.0);
      Files.delete(raw);
    }
    return WavReader.read(wav);
  }
}
