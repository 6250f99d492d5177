package ai.voice.stt.session;

import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.telemetry.UtteranceRecorder;
import ai.voice.stt.turn.TurnJudge;
import ai.voice.stt.turn.TurnPolicy;
import ai.voice.stt.vad.SpeechDetector;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session: wires its stages to its mailbox. The stages are pure and tested on their own: {@link
 * AudioFront} (normalise, frame, classify), {@link Segmenter} (the cutting rules), {@link
 * Conversation} (settings, listening/responding and the barge-in rule), {@link ResultSequencer}
 * (waiting utterances, the one at the recognizer, sequence numbers, coverage and the replay point),
 * {@link InputLimits}, {@link SessionDeadlines} (duration, idle and chunk timeouts), {@link
 * EarlyResults}, {@link SessionProgress} (the checkpoint shared with other replicas) and {@link
 * SessionOutput} (the wording of what it publishes), with {@link SessionLifecycle} saying what each
 * phase allows. The actor only routes messages, frames and answers between them.
 *
 * <p>Every field is touched only by tasks of this session's {@link Mailbox}, one at a time, so
 * there are no locks. Recognition runs elsewhere; its completion comes back as a mailbox task.
 */
public final class SessionActor {
  private static final Logger log = LoggerFactory.getLogger(SessionActor.class);
  private static final double SAMPLE_RATE = AudioNormalizer.TARGET_RATE;
  // A gap of 300 ms forgets a voiced burst for the interrupt rule.
  private static final int INTERRUPT_RESET_FRAMES = 10;

  /** The answer to a control message refused by {@link #deliver}: only a flood of them is. */
  public static final String CONTROL_FLOOD =
      "session mailbox holds "
          + MailboxBounds.CONTROL_MESSAGES
          + " control messages; the message was not accepted (send start, state_change and end"
          + " only when they change something)";

  private final String id;
  private final SessionEnvironment env;
  private final Mailbox mailbox;
  private final Consumer<SessionActor> onClosed;
  private final Segmenter segmenter;
  private final Conversation conversation;
  private final ResultSequencer results;
  // Chunks refused at a full mailbox since the session last accounted for them (transport thread).
  private final RefusedChunks refused = new RefusedChunks();
  private final InputGaps gaps = new InputGaps();
  private final SessionProgress progress;
  private final SessionDeadlines deadlines;
  private final StreamPosition stream;
  private final Recognition recognition;
  private final AudioFront audio;
  private final SessionLifecycle life = new SessionLifecycle();
  private final InputLimits limits;
  private final SessionOutput out;
  private final SessionTimer timer;
  private final EarlyResults early;
  private final TurnEvents turns;
  private final Optional<TurnPolicy> turnPolicy;

  SessionActor(String id, SessionEnvironment env, Consumer<SessionActor> onClosed) {
    this(
        id,
        env,
        onClosed,
        SessionCheckpoint.fresh("", System.currentTimeMillis()),
        SessionClaim.LOCAL);
  }

  /** A session that carries on from {@code from}, recording its progress through {@code claim}. */
  SessionActor(
      String id,
      SessionEnvironment env,
      Consumer<SessionActor> onClosed,
      SessionCheckpoint from,
      SessionClaim claim) {
    this.id = id;
    this.env = env;
    this.onClosed = onClosed;
    this.mailbox = new Mailbox(env.actorExecutor(), env.mailbox(), id, this::failed);
    this.segmenter = new Segmenter(env.segmenter(), from.timeline());
    this.conversation =
        new Conversation(
            new InterruptDetector(
                SegmenterSettings.frames(env.streaming().interruptMinSpeech()),
                INTERRUPT_RESET_FRAMES),
            env.streaming().interruptDetectionEnabled(),
            from);
    this.deadlines =
        new SessionDeadlines(
            env.streaming().chunkTimeout(),
            env.streaming().endpointSilence(),
            env.limits().sessionIdleTimeout(),
            env.limits().maxSessionDuration(),
            System.nanoTime()
                - TimeUnit.MILLISECONDS.toNanos(
                    Math.max(0, System.currentTimeMillis() - from.openedEpochMillis())));
    this.stream = new StreamPosition(from.lastSeq());
    this.recognition =
        new Recognition(
            env.inference(),
            mailbox,
            env.utterances().metrics(),
            env.streaming().abortUselessDecodes());
    this.timer = new SessionTimer(env.timers(), mailbox, this::checkTimeouts);
    this.results = new ResultSequencer(env.backlog(), from);
    this.progress = new SessionProgress(claim, from, results, stream, conversation);
    this.audio =
        new AudioFront(
            env.detectors(),
            env.endpointDetectors(),
            from.settings().sampleRate(),
            from.settings().channels(),
            from.timeline());
    this.out =
        new SessionOutput(
            id,
            env.output(),
            env.streaming().interimResults(),
            (message, output) ->
                progress.publish(output, () -> env.output().publishConfirmed(message, output)));
    SttConfig.Turn turn = env.streaming().turn();
    this.turnPolicy = turnPolicy(env);
    this.turns =
        new TurnEvents((long) SegmenterSettings.frames(turn.hold()) * SpeechDetector.FRAME_SAMPLES);
    this.early =
        new EarlyResults(
            env.streaming(),
            recognition,
            env.utterances().metrics(),
            env.utterances().userData(),
            new EarlyResults.Session() {
              @Override
              public void pauseJudged(int endpointFrames, OptionalDouble completeness) {
                if (life.open()) {
                  turns.pauseJudged(completeness, turnPolicy.orElseThrow().early(endpointFrames));
                  segmenter.endPauseAfter(endpointFrames).ifPresent(SessionActor.this::pauseEnded);
                }
              }

              @Override
              public boolean judgesTurns() {
                return conversation.settings().turnEvents();
              }

              @Override
              public void sentenceEnded() {
                if (life.open()) {
                  segmenter.endSentence().ifPresent(SessionActor.this::pauseEnded);
                }
              }

              @Override
              public void interim(InterimHypotheses.Update update, long end, Transcript heard) {
                if (life.open() && speaks()) {
                  out.interim(update, end, heard, conversation.settings(), conversation.state());
                }
              }
            },
            turnPolicy,
            turn.detection().usesModel() ? TurnJudge.of(turn.model()) : null);
    this.limits =
        new InputLimits(
            env.limits().maxSessionAudio(),
            env.limits().maxSessionBacklog(),
            from.acceptedFrames());
  }

  public String id() {
    return id;
  }

  /**
   * Hands a message to the session. Called by the transport thread; never blocks.
   *
   * @return false when a control message was refused (the caller reports it)
   */
  boolean deliver(StreamMessage message) {
    return deliver(message, 0);
  }

  /**
   * Hands over a message read from the input stream at {@code seq} (JetStream routing). A chunk
   * that does not fit beside the audio already queued is refused here and accounted by the session
   * in its place in the stream: it names the missing audio and counts it in the timeline. A control
   * message is always taken, unless a flood of them fills the mailbox's control bound.
   *
   * @return false when a control message was refused (the caller reports it with {@link
   *     #CONTROL_FLOOD})
   */
  public boolean deliver(StreamMessage message, long seq) {
    Runnable task = () -> handle(message, seq);
    if (!(message instanceof StreamMessage.Chunk chunk)) {
      return accepted(mailbox.offerControl(task));
    }
    if (accepted(mailbox.offerAudio(task, chunk.pcm().length))) {
      return true;
    }
    if (refused.add(chunk.pcm().length)) {
      // One small task however many chunks are refused meanwhile; it runs after the chunks that
      // were accepted before the first refusal, which is where the gap is in the stream.
      mailbox.post(this::accountRefused);
    }
    return true;
  }

  /** A message of the input stream that did not decode: answered once, not again on replay. */
  public boolean deliverInvalid(ErrorCode code, String reason, long seq) {
    return accepted(
        mailbox.offerControl(
            () -> {
              if (!life.handlesInput()) {
                return;
              }
              stream.enter(seq);
              error(code, reason);
            }));
  }

  /**
   * What each recognition of a session with these settings asks of the recognizer: its language and
   * its vocabulary as the prompt (the same for finals, speculative finals and interims, so an early
   * answer is the one the final would get).
   */
  private static Hints hints(StreamMessage.Start settings) {
    return new Hints(settings.language(), settings.prompt());
  }

  /** Refusals from now on come after an accepted message in the stream. */
  private boolean accepted(boolean queued) {
    if (queued) {
      refused.accepted();
    }
    return queued;
  }

  /**
   * Gives the session to the next replica: once no recognition is in flight, its checkpoint is
   * released and this actor closes without a last result. The caller has stopped its input first.
   */
  public void requestHandOver() {
    mailbox.post(
        () -> {
          if (!life.handOver()) {
            return; // closing sessions finish here; their last result is nearly out
          }
          timer.cancel();
          releaseIfIdle();
        });
  }

  /**
   * Whether the session ended here with its last result out (not moved to another replica). Read by
   * the close callback, on the session's own thread.
   */
  boolean ended() {
    return life.phase() == SessionLifecycle.Phase.CLOSED;
  }

  /** Ends the session as if the client had sent {@code end}, with a reason on the last result. */
  void requestEnd(String reason) {
    mailbox.post(() -> end(reason));
  }

  private void handle(StreamMessage message, long seq) {
    if (!life.handlesInput()) {
      return; // the input is the next owner's now; it replays this message
    }
    boolean replayed = stream.enter(seq);
    if (!life.open()) {
      error(ErrorCode.SESSION_CLOSING, "session is closing; start a new session id");
      return;
    }
    deadlines.messageAt(System.nanoTime());
    if (replayed
        && (message instanceof StreamMessage.Start
            || message instanceof StreamMessage.StateChange)) {
      // Applied by the previous owner; its effect is in the checkpoint this session resumed from.
      armTimer();
      return;
    }
    switch (message) {
      case StreamMessage.Start start -> start(start);
      case StreamMessage.Chunk chunk -> chunk(chunk);
      case StreamMessage.StateChange change -> conversation.change(change.state());
      case StreamMessage.End ignored -> end("end");
    }
    if (life.open()) {
      armTimer();
    }
  }

  private void start(StreamMessage.Start start) {
    if (!conversation.start(start)) {
      error(ErrorCode.ALREADY_STARTED, "start after audio; send end first to change the format");
      return;
    }
    audio.format(start.sampleRate(), start.channels());
  }

  private void chunk(StreamMessage.Chunk chunk) {
    StreamMessage.Start settings = conversation.settings();
    if (chunk.pcm().length % audio.frameBytes() != 0) {
      error(
          ErrorCode.INVALID_PCM_LENGTH,
          InputLimits.notWholeFrames(chunk.pcm().length, settings.channels()));
      return;
    }
    long chunkFrames = chunk.pcm().length / audio.frameBytes();
    double missing =
        gaps.missingBefore(
            chunk.timestamp(), chunkFrames / (double) settings.sampleRate(), env.inputOutages());
    if (missing > 0) {
      long from = audio.timeline();
      skipAudio(Math.round(missing * SAMPLE_RATE));
      // Recorded before it is named: a replica that replays this chunk after a move does not name
      // it again (it may go unnamed if this replica dies in between, never named twice).
      if (!progress.record() && life.live()) {
        lost();
        return;
      }
      error(ErrorCode.AUDIO_LOST, InputLimits.lostInOutage(from, audio.timeline()));
    }
    long acceptedBefore = limits.acceptedFrames();
    InputLimits.Admission admission =
        limits.admit(
            chunkFrames, settings.sampleRate(), results.backlogSamples(), audio.timeline());
    if (admission.refused()) {
      skipAudio(audio.timelineSamples(chunkFrames));
      return;
    }
    limits.endRefusedRun(audio.timeline()).ifPresent(m -> error(ErrorCode.OVERLOADED, m));
    byte[] pcm =
        admission.acceptFrames() == chunkFrames
            ? chunk.pcm()
            : Arrays.copyOf(
                chunk.pcm(), Math.toIntExact(admission.acceptFrames() * audio.frameBytes()));
    env.utterances()
        .metrics()
        .audioInput(admission.acceptFrames() / (double) settings.sampleRate());
    conversation.audioAccepted();
    deadlines.audioAt(
        System.nanoTime(), admission.acceptFrames() * 1_000_000_000L / settings.sampleRate());
    if (stream.current() > 0) {
      results.mark(stream.current(), audio.timeline(), acceptedBefore);
    }
    for (AudioFront.Frame frame : audio.accept(pcm)) {
      detectInterrupt(frame.speech());
      boolean wasSpeaking = segmenter.inUtterance();
      segmenter
          .accept(frame.samples(), frame.speech(), frame.holds())
          .ifPresent(
              segment -> {
                if (segment.isFinal()) {
                  pauseEnded(segment);
                } else {
                  enqueue(segment);
                }
              });
      if (segmenter.speechGoesOn()) {
        turns.speechGoesOn();
      }
      if (!wasSpeaking && segmenter.inUtterance()) {
        turns.onset(segmenter.position()).ifPresent(this::resumed);
      }
      early.afterFrame(
          frame, segmenter, results.idle(), out.interimResults(settings), hints(settings));
    }
    results.quietBefore(segmenter.firstNeeded());
    if (!progress.recordIfDue() && life.live()) {
      lost();
      return;
    }
    if (admission.reachesLimit()) {
      error(ErrorCode.SESSION_AUDIO_LIMIT, limits.audioLimitReached(settings.sampleRate()));
      end("audio_limit");
    }
  }

  /**
   * Refused chunks take their place in the timeline: the utterance in progress ends before the gap,
   * and the client hears which stretch of its audio was not accepted.
   */
  private void accountRefused() {
    RefusedChunks.Count count = refused.take();
    if (!life.open()) {
      return;
    }
    long from = audio.timeline();
    skipAudio(audio.timelineSamples(count.bytes() / audio.frameBytes()));
    error(ErrorCode.OVERLOADED, InputLimits.mailboxRefused(from, audio.timeline(), count.chunks()));
  }

  /** Audio that will never arrive: the utterance in progress ends before it, the timeline moves. */
  private void skipAudio(long missing) {
    segmenter.skip(audio.takeRemainder(), missing).ifPresent(this::enqueue);
    conversation.gap();
    audio.skip(missing);
  }

  private void detectInterrupt(boolean speech) {
    if (!conversation.frame(speech)) {
      return;
    }
    long output = commitProgress();
    if (output == SessionProgress.NOT_OURS) {
      return;
    }
    if (!out.interrupt(conversation.settings(), output)) {
      lost();
      return;
    }
    log.debug("session {}: interrupt", id);
  }

  private void flushUtterance() {
    segmenter.flush(audio.takeRemainder()).ifPresent(this::enqueue);
  }

  private void end(String reason) {
    if (!life.open()) {
      return;
    }
    limits.endRefusedRun(audio.timeline()).ifPresent(m -> error(ErrorCode.OVERLOADED, m));
    flushUtterance();
    life.end(reason);
    timer.cancel();
    finishIfDrained();
  }

  /** End-of-turn detection for this session's settings; empty when off (decisions/0026). */
  private static Optional<TurnPolicy> turnPolicy(SessionEnvironment env) {
    SttConfig.Turn turn = env.streaming().turn();
    SegmenterSettings s = env.segmenter();
    return switch (turn.detection()) {
      case OFF -> Optional.empty();
      case TRANSCRIPT, MODEL, BOTH ->
          Optional.of(
              new TurnPolicy(
                  TurnPolicy.Signals.valueOf(turn.detection().name()),
                  turn.threshold(),
                  Math.max(1, s.trailingFrames()),
                  s.sentenceEndFrames(),
                  s.endpointFrames(),
                  SegmenterSettings.frames(turn.doubtHold()),
                  SegmenterSettings.frames(turn.hold())));
    };
  }

  /** A pause ended the utterance with {@code segment}: the user's turn ends with its final. */
  private void pauseEnded(Segment segment) {
    turns.pauseEnded(segment);
    enqueue(segment);
  }

  /** Speech soon after an early end of turn: clients that asked hear that the turn resumed. */
  private void resumed(long finalSequence) {
    if (conversation.settings().turnEvents() && speaks()) {
      out.turn(
          OutputMessage.Turn.RESUMED,
          finalSequence,
          OptionalDouble.empty(),
          true,
          conversation.settings());
    }
  }

  private void enqueue(Segment segment) {
    results.add(segment, System.nanoTime());
    recognizeNext();
  }

  private void recognizeNext() {
    if (!life.recognizes()) {
      return;
    }
    results
        .nextForRecognizer()
        .ifPresent(
            next ->
                recognition.whenBack(
                    early.answerFor(next.segment(), hints(conversation.settings())),
                    this::recognized));
  }

  private void recognized(Recognition.Returned back) {
    if (!life.live()) {
      return; // handed over, or ended by a failure while this was at the recognizer
    }
    ResultSequencer.Pending pending = results.returned();
    UtteranceRecorder.Utterance trace =
        Recognition.trace(id, conversation.settings().speakerId(), pending, back);
    if (back.failed()) {
      env.utterances().failed(trace, back.errorCode().wireName(), back.cause());
      error(back.errorCode(), back.notTranscribed(pending.segment()));
      log.warn("session {}: recognition failed: {}", id, back.cause().toString());
    } else {
      boolean last = life.closing() && results.idle();
      UtteranceRecorder.Publishing publishing = env.utterances().publishing(trace);
      try {
        publishResult(pending.segment(), back.outcome(), last);
      } finally {
        publishing.end();
      }
      if (!life.live()) {
        return; // taken by another replica meanwhile
      }
      if (last) {
        close();
        return;
      }
    }
    if (life.handingOver()) {
      releaseIfIdle();
      return;
    }
    recognizeNext();
    finishIfDrained();
  }

  private void publishResult(
      Segment segment, InferenceScheduler.Outcome outcome, boolean endOfStream) {
    ResultSequencer.Slot slot = results.resultFor(segment, endOfStream, segmenter.position());
    long output = commitProgress();
    if (output == SessionProgress.NOT_OURS) {
      return;
    }
    if (!out.result(
        slot,
        segment,
        outcome,
        conversation.settings(),
        conversation.state(),
        endOfStream ? life.endReason() : null,
        output)) {
      lost();
      return;
    }
    // The session's last result says itself that the session (and the turn) ended.
    turns
        .published(segment, slot.sequence())
        .filter(ended -> !endOfStream && conversation.settings().turnEvents() && speaks())
        .ifPresent(
            ended -> {
              out.turn(
                  OutputMessage.Turn.END_OF_TURN,
                  slot.sequence(),
                  ended.completeness(),
                  ended.early(),
                  conversation.settings());
              turns.resumed().ifPresent(this::resumed);
            });
  }

  /** Once closing and nothing is left at the recognizer, publish the empty last result. */
  private void finishIfDrained() {
    if (!life.closing() || !results.idle()) {
      return;
    }
    publishLast();
  }

  /**
   * A task of this session threw: its state can no longer be trusted, so the session ends here. The
   * client hears {@code internal_error} naming the audio not transcribed, then the last result
   * ({@code end_reason: internal_error}); the session's slot and VAD are freed.
   */
  private void failed(Throwable cause) {
    if (!life.live()) {
      return;
    }
    try {
      error(
          ErrorCode.INTERNAL,
          String.format(
              Locale.ROOT,
              "the session failed (%s): audio after %.2f s was not transcribed and the session"
                  + " ends; start a new session id",
              cause,
              results.coveredUntil() / SAMPLE_RATE));
      life.failed();
      results.dropAll();
      publishLast();
    } finally {
      if (life.live()) {
        close();
      }
    }
  }

  private void publishLast() {
    ResultSequencer.Slot slot = results.lastEmpty(segmenter.position());
    long output = commitProgress();
    if (output == SessionProgress.NOT_OURS) {
      return;
    }
    if (!out.lastEmpty(
        slot, conversation.settings(), conversation.state(), life.endReason(), output)) {
      lost();
      return;
    }
    close();
  }

  private void close() {
    life.closed();
    progress.ended();
    stop(Recognition.Useless.SESSION_ENDED);
  }

  /** Nothing of this session is published any more: what is still at the recognizer is aborted. */
  private void stop(Recognition.Useless why) {
    results.dropAll();
    early.stop();
    recognition.abandonAll(why);
    timer.cancel();
    audio.close();
    onClosed.accept(this);
  }

  /**
   * Records progress before an output leaves: the output's number, or {@link
   * SessionProgress#NOT_OURS} (and the session is gone).
   */
  private long commitProgress() {
    long output = progress.commit();
    if (output == SessionProgress.NOT_OURS) {
      lost();
    }
    return output;
  }

  /**
   * This replica no longer speaks for the session (another took it over, or this one is leaving):
   * stop without a word; the session carries on from its record elsewhere.
   */
  private void lost() {
    log.warn("session {}: no longer held by this replica; it stops without publishing", id);
    life.gone();
    stop(Recognition.Useless.SESSION_LOST);
  }

  /**
   * Whether something that needs no record (an interim, an error) may be published: after a
   * heartbeat lapse this replica first confirms it still holds the session, and stops if not.
   */
  private boolean speaks() {
    if (progress.speaks()) {
      return true;
    }
    if (life.live()) {
      lost();
    }
    return false;
  }

  /** While handing over, once nothing is at the recognizer: release and close. */
  private void releaseIfIdle() {
    if (results.atRecognizer() || !life.handingOver()) {
      return;
    }
    progress.release();
    log.debug("session {}: handed over at sequence {}", id, results.nextSequence());
    life.gone();
    stop(Recognition.Useless.HANDED_OVER);
  }

  /** One timer per session: armed for the nearest deadline, re-armed when it fires. */
  private void armTimer() {
    timer.armIfIdle(deadlines.firstCheckInNanos(System.nanoTime()));
  }

  private void checkTimeouts() {
    timer.fired();
    if (!life.open()) {
      return;
    }
    SessionDeadlines.Check check =
        deadlines.check(
            System.nanoTime(),
            segmenter.inUtterance(),
            (long) (segmenter.trailingSilenceSamples() * 1e9 / SAMPLE_RATE),
            // a pause held open (or shortened) by end-of-turn detection keeps its end-point when
            // the audio stops coming, as it would with silence
            TimeUnit.MILLISECONDS.toNanos(
                (long) segmenter.endpointFrames() * SpeechDetector.FRAME_MS));
    switch (check.due()) {
      case DURATION_LIMIT -> {
        error(ErrorCode.SESSION_DURATION_LIMIT, deadlines.durationLimitReached());
        end("duration_limit");
        return;
      }
      case IDLE_TIMEOUT -> {
        end("idle_timeout");
        return;
      }
      case FLUSH_UTTERANCE -> flushUtterance();
      case NOTHING -> {}
    }
    timer.schedule(check.nextInNanos());
  }

  private void error(ErrorCode code, String message) {
    if (stream.replaying()) {
      return; // answered by the previous owner when it first handled this message
    }
    if (speaks()) {
      out.error(code, message);
    }
  }
}
