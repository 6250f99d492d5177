package ai.voice.stt.support;

import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.recognizer.Transcript;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A recognizer that answers as the test says, on one worker: for tests of what happens around
 * recognition (sessions, queues, the HTTP surface), where the real model would only add time.
 */
public final class StandInRecognizer implements Recognizer {
  private final String name;
  private final Function<float[], Transcript> answer;

  /**
   * @param answer what a call returns for the samples (or throws, or waits)
   */
  public StandInRecognizer(String name, Function<float[], Transcript> answer) {
    this.name = name;
    this.answer = answer;
  }

  /** Says {@code text} at once for any audio. */
  public static StandInRecognizer saying(String text) {
    return new StandInRecognizer("instant", samples -> heard(text));
  }

  /** A transcript of {@code text}, no segments or language, no time spent. */
  public static Transcript heard(String text) {
    return new Transcript(text, List.of(), Optional.empty(), 0);
  }

  @Override
  public Transcript transcribe(float[] samples, Optional<String> language) {
    return answer.apply(samples);
  }

  @Override
  public int maxConcurrency() {
    return 1;
  }

  @Override
  public String describe() {
    return name;
  }

  @Override
  public void close() {}
}
