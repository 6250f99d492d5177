package ai.voice.stt.vad;

/** Classifies one 30 ms frame of 16 kHz mono audio. One instance per session: it has state. */
public interface SpeechDetector extends AutoCloseable {
  int SAMPLE_RATE = 16_000;
  int FRAME_MS = 30;
  int FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS / 1000;

  boolean isSpeech(short[] frame);

  @Override
  void close();
}
