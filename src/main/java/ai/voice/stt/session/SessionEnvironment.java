package ai.voice.stt.session;

import ai.voice.stt.config.SttConfig;
import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.telemetry.UtteranceRecorder;
import ai.voice.stt.vad.SpeechDetectorFactory;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every session shares: settings, the inference scheduler, the output, and the threads. Built
 * once by the service; sessions never create threads or read configuration themselves.
 *
 * @param detectors the VAD that opens utterances and hears barge-in ({@code
 *     STT_VAD_AGGRESSIVENESS})
 * @param endpointDetectors the VAD that decides where an utterance's speech ends: its pauses are
 *     counted towards the end-point ({@code STT_ENDPOINT_VAD_AGGRESSIVENESS})
 * @param actorExecutor runs mailboxes (virtual threads)
 * @param timers the one scheduler for chunk and idle timeouts; its tasks only post to mailboxes
 * @param utterances traces and metrics of each utterance
 * @param mailbox what each session's mailbox admits from its client
 * @param backlog the audio every session has waiting for the recognizer
 * @param inputOutages when this replica's input may have stored nothing (replicas only)
 */
public record SessionEnvironment(
    SttConfig.Streaming streaming,
    SttConfig.Limits limits,
    SegmenterSettings segmenter,
    SpeechDetectorFactory detectors,
    SpeechDetectorFactory endpointDetectors,
    InferenceScheduler inference,
    OutputPublisher output,
    UtteranceRecorder utterances,
    Executor actorExecutor,
    ScheduledExecutorService timers,
    MailboxBounds mailbox,
    Backlog backlog,
    InputOutages inputOutages) {

  /** The environment for {@code config}: its streaming settings, limits and segmenter policy. */
  public static SessionEnvironment of(
      SttConfig config,
      SpeechDetectorFactory detectors,
      SpeechDetectorFactory endpointDetectors,
      InferenceScheduler inference,
      OutputPublisher output,
      UtteranceRecorder utterances,
      Executor actorExecutor,
      ScheduledExecutorService timers,
      MailboxBounds mailbox,
      Backlog backlog) {
    return new SessionEnvironment(
        config.streaming(),
        config.limits(),
        SegmenterSettings.from(config.streaming()),
        detectors,
        endpointDetectors,
        inference,
        output,
        utterances,
        actorExecutor,
        timers,
        mailbox,
        backlog,
        InputOutages.NONE);
  }

  /**
   * The same environment, with when this replica's input may have stored nothing (sessions name
   * audio an outage kept from arriving, {@link InputGaps}).
   */
  public SessionEnvironment withInputOutages(InputOutages outages) {
    return new SessionEnvironment(
        streaming,
        limits,
        segmenter,
        detectors,
        endpointDetectors,
        inference,
        output,
        utterances,
        actorExecutor,
        timers,
        mailbox,
        backlog,
        outages);
  }
}
