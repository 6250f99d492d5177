package ai.voice.stt.session;

import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.telemetry.UtteranceRecorder;
import ai.voice.stt.vad.SpeechDetectorFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Real sessions (registry, actors, mailboxes, segmenter, timers) with their edges in the test's
 * hands: the output is captured, the recognizer and the speech detector are chosen by the test. For
 * the concurrency core where an end-to-end run cannot reach a fault.
 */
final class SessionFixture implements AutoCloseable {
  /** A speech detector that hears speech wherever the audio is not silent. */
  static final SpeechDetectorFactory LOUDNESS =
      () ->
          new ai.voice.stt.vad.SpeechDetector() {
            @Override
            public boolean isSpeech(short[] frame) {
              return frame[0] != 0;
            }

            @Override
            public void close() {}
          };

  final ConcurrentLinkedQueue<OutputMessage> published = new ConcurrentLinkedQueue<>();
  final SttConfig config;
  final InferenceScheduler inference;
  final SessionRegistry registry;
  final Backlog backlog = new Backlog();
  private final ExecutorService actors = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

  SessionFixture(
      Map<String, String> settings, Recognizer recognizer, SpeechDetectorFactory detectors) {
    this(settings, recognizer, detectors, 16, MailboxBounds.DEFAULT);
  }

  /** With the onset VAD and the stricter end-pointing VAD apart (decisions/0019). */
  SessionFixture(
      Map<String, String> settings,
      Recognizer recognizer,
      SpeechDetectorFactory onset,
      SpeechDetectorFactory endpoint) {
    this(settings, recognizer, onset, endpoint, 16, MailboxBounds.DEFAULT);
  }

  SessionFixture(
      Map<String, String> settings,
      Recognizer recognizer,
      SpeechDetectorFactory detectors,
      int queueCapacity,
      MailboxBounds mailbox) {
    this(settings, recognizer, detectors, detectors, queueCapacity, mailbox);
  }

  private SessionFixture(
      Map<String, String> settings,
      Recognizer recognizer,
      SpeechDetectorFactory onset,
      SpeechDetectorFactory endpoint,
      int queueCapacity,
      MailboxBounds mailbox) {
    Map<String, String> env = new java.util.HashMap<>();
    // The fixture's audio is a constant value: steady, so the speech gate would take it for noise.
    // These tests are about the concurrency core, not about what is speech.
    env.put("STT_MIN_VOICED_MODULATION_DB", "0");
    env.putAll(settings);
    config = ConfigLoader.load(env, 2);
    inference = new InferenceScheduler(recognizer, queueCapacity);
    registry =
        new SessionRegistry(
            SessionEnvironment.of(
                config,
                onset,
                endpoint,
                inference,
                published::add,
                UtteranceRecorder.noop(),
                actors,
                timers,
                mailbox,
                backlog));
  }

  List<OutputMessage> outputs(String sessionId) {
    return published.stream().filter(m -> m.sessionId().equals(sessionId)).toList();
  }

  List<OutputMessage.Transcription> results(String sessionId) {
    return outputs(sessionId).stream()
        .filter(OutputMessage.Transcription.class::isInstance)
        .map(OutputMessage.Transcription.class::cast)
        .toList();
  }

  List<OutputMessage.Error> errors(String sessionId) {
    return outputs(sessionId).stream()
        .filter(OutputMessage.Error.class::isInstance)
        .map(OutputMessage.Error.class::cast)
        .toList();
  }

  @Override
  public void close() {
    timers.shutdownNow();
    actors.close();
    inference.close();
  }
}
