package ai.voice.stt.session;

import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.recognizer.TranscriptCleaner;
import ai.voice.stt.telemetry.SttMetrics;
import ai.voice.stt.telemetry.UserData;
import ai.voice.stt.turn.TranscriptCompleteness;
import ai.voice.stt.turn.TurnJudge;
import ai.voice.stt.turn.TurnPolicy;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's results before the end-point (docs/decisions/0018): the speculative recognition of an
 * utterance whose audio is fixed, which becomes its final when the pause is confirmed and ends it
 * sooner when it finished a sentence; and interim hypotheses of the utterance being spoken, for
 * sessions that ask. Both go to the recognizer only on an idle worker and only while nothing of the
 * session waits for it; interims only while the recognizer is otherwise idle, and without borrowing
 * idle cores. Used from the session's mailbox tasks only; answers come back as tasks of the same
 * mailbox.
 */
final class EarlyResults {
  private static final Logger log = LoggerFactory.getLogger(EarlyResults.class);

  /** What the session does with what comes back early. */
  interface Session {
    /** The speculative transcript of the open utterance ended a sentence: it may end sooner. */
    void sentenceEnded();

    /**
     * An interim hypothesis of the open utterance, which covers its audio up to {@code end}, and
     * what the recognizer heard in that audio (its words and their times).
     */
    void interim(InterimHypotheses.Update update, long end, Transcript heard);

    /**
     * End-of-turn detection judged the current pause: it ends the utterance after {@code
     * endpointFrames} unvoiced frames (decisions/0026).
     *
     * @param completeness the turn model's probability, when it ran
     */
    void pauseJudged(int endpointFrames, OptionalDouble completeness);

    /**
     * The session asked for its turns to be judged ({@code turn_events} in its {@code start}): only
     * then does end-of-turn detection set its pauses' end-points; other sessions keep the silence
     * rules, so their finals come exactly as before (decisions/0026).
     */
    boolean judgesTurns();
  }

  private final boolean speculative;
  // How far into a pause a session whose turns are judged speculates (its words decide the turn).
  private final int turnSpeculateFrames;
  private final Recognition recognition;
  private final SttMetrics metrics;
  private final UserData userData;
  private final Session session;
  private final Speculation speculation = new Speculation();
  private final InterimHypotheses interims;
  // End-of-turn detection (empty: off) and the model that may run beside it (null: not used).
  private final Optional<TurnPolicy> turnPolicy;
  private final TurnJudge turnJudge;
  // The signals gathered for the live speculation's pause.
  private Segment judged;
  private String judgedText;
  private TranscriptCompleteness.Verdict judgedWords;
  private OptionalDouble judgedCompleteness = OptionalDouble.empty();
  // The session asked for interim results (as of its latest frame).
  private boolean interimsWanted;
  // The interim hypothesis at the recognizer, until its answer is back (null: none).
  private CompletableFuture<Recognition.Returned> interimAnswer;

  EarlyResults(
      SttConfig.Streaming streaming,
      Recognition recognition,
      SttMetrics metrics,
      UserData userData,
      Session session) {
    this(streaming, recognition, metrics, userData, session, Optional.empty(), null);
  }

  /**
   * @param turnPolicy end-of-turn detection for sessions that ask for it ({@link
   *     Session#judgesTurns()}); empty, or a session that did not ask: the pause after a finished
   *     sentence is shortened as before, nothing else
   * @param turnJudge the turn model when the policy uses it, else null
   */
  EarlyResults(
      SttConfig.Streaming streaming,
      Recognition recognition,
      SttMetrics metrics,
      UserData userData,
      Session session,
      Optional<TurnPolicy> turnPolicy,
      TurnJudge turnJudge) {
    this.turnPolicy = turnPolicy;
    this.turnJudge = turnJudge;
    this.speculative = streaming.speculative();
    this.turnSpeculateFrames = SegmenterSettings.frames(streaming.turn().speculateAfter());
    this.userData = userData;
    this.recognition = recognition;
    this.metrics = metrics;
    this.session = session;
    this.interims =
        new InterimHypotheses(
            streaming.interimInterval().toMillis() * AudioNormalizer.TARGET_RATE / 1000);
  }

  /**
   * A frame went through the segmenter.
   *
   * @param idle nothing of the session waits for (or is at) the recognizer, and it is not being
   *     handed over
   * @param interim the session asked for interim results
   */
  void afterFrame(
      AudioFront.Frame frame, Segmenter segmenter, boolean idle, boolean interim, Hints hints) {
    // Speech that ends the pause voids the answer; speech only the onset VAD hears inside it is
    // noted, and voids the answer only for a final that reaches it (Speculation.claim).
    Optional<CompletableFuture<Recognition.Returned>> speculated = speculation.answer();
    if (segmenter.speechGoesOn() && speculation.discard()) {
      metrics.speculative(false); // the pause was not the end
      speculated.ifPresent(a -> recognition.abandon(a, Recognition.Useless.SPEECH_RESUMED));
    } else if (frame.speech()) {
      speculation.heard(segmenter.position() - frame.samples().length);
    }
    if (idle) {
      offered(segmenter)
          .ifPresent(
              candidate ->
                  speculate(
                      candidate,
                      candidate.samples().length - segmenter.trailingSilenceSamples(),
                      hints));
    }
    interimsWanted = interim;
    if (interim) {
      interims.frame(
          segmenter.inUtterance() ? segmenter.utteranceStart() : -1,
          frame.speech(),
          frame.samples().length);
      if (idle && frame.speech() && interims.due() && !speculation.live()) {
        segmenter.preview().ifPresent(soFar -> hypothesise(soFar, hints));
      }
    }
  }

  /**
   * The audio to speculate on at this frame, if any. A session whose turns are judged looks at its
   * pause sooner ({@code STT_TURN_SPECULATE_AFTER_MS}): the words decide the turn, so the sooner
   * they are in, the sooner a complete turn ends. That audio lacks part of the trailing silence a
   * final keeps, and where the onset VAD hears speech in that part (its hang-over after a soft word
   * ending) the final will not take the answer (decisions/0019); so the pause is offered again at
   * the trailing silence, as for every other session, when the first look no longer covers the
   * final or could not start. Other sessions speculate at {@code STT_SPECULATE_AFTER_MS} only.
   */
  private Optional<Segment> offered(Segmenter segmenter) {
    if (activePolicy().isEmpty()) {
      return segmenter.settled();
    }
    Optional<Segment> first = segmenter.settledAt(turnSpeculateFrames);
    if (first.isPresent() || (speculation.live() && !speculation.heardAfterIt())) {
      return first;
    }
    return segmenter.settledWhole();
  }

  /**
   * The recognition of {@code segment}: the speculative one when it covers it (its answer, success
   * or failure, is the segment's: the audio is not sent twice), else a new one.
   */
  CompletableFuture<Recognition.Returned> answerFor(Segment segment, Hints hints) {
    boolean speculating = speculation.live();
    Optional<CompletableFuture<Recognition.Returned>> speculated = speculation.answer();
    Optional<CompletableFuture<Recognition.Returned>> claimed = speculation.claim(segment);
    if (speculating) {
      metrics.speculative(claimed.isPresent());
      if (claimed.isEmpty()) {
        speculated.ifPresent(a -> recognition.abandon(a, Recognition.Useless.FINAL_DIFFERS));
      }
    }
    abandonInterim(Recognition.Useless.UTTERANCE_CUT);
    return claimed.orElseGet(() -> recognition.send(segment, hints));
  }

  /**
   * The interim still running (if any) became useless, and is aborted. Interims go out only while
   * none of the session's segments waits for the recognizer, so a running one is always of the open
   * utterance, with less of its audio than what makes it useless:
   *
   * <ul>
   *   <li>{@link Recognition.Useless#UTTERANCE_CUT}: a segment of its utterance goes to the
   *       recognizer, so that utterance is no longer open and {@link InterimHypotheses#heard} would
   *       drop the answer. Aborted before the segment is sent, so a worker it held is free for it.
   *   <li>{@link Recognition.Useless#SUPERSEDED}: the speculative recognition of the whole
   *       utterance started. Its answer is published as an interim too ({@link
   *       InterimHypotheses#speculated}); the running one would only come first with fewer words,
   *       or after it and take the client's text back. Should speech resume, the next interim is
   *       due as before (the aborted answer comes back failed and clears {@link
   *       InterimHypotheses#sent}).
   * </ul>
   *
   * A newer interim never supersedes a running one: the next is due only after it came back.
   */
  private void abandonInterim(Recognition.Useless why) {
    if (interimAnswer != null) {
      recognition.abandon(interimAnswer, why);
      interimAnswer = null;
    }
  }

  /** The session stops: an answer still running is not used (the caller aborts them all). */
  void stop() {
    speculation.discard();
    interimAnswer = null;
  }

  private void speculate(Segment candidate, long voicedSamples, Hints hints) {
    if (!speculative) {
      return;
    }
    Optional<CompletableFuture<Recognition.Returned>> replaced = speculation.answer();
    recognition
        .sendIfIdle(candidate, hints)
        .ifPresent(
            answer -> {
              // A sooner look that the final would not take (offered) gives way to this one, once
              // this one runs: with no worker free it stays, as its words still judge the pause
              // that its start held open.
              if (speculation.discard()) {
                metrics.speculative(false);
                replaced.ifPresent(a -> recognition.abandon(a, Recognition.Useless.FINAL_DIFFERS));
              }
              log.debug(
                  "speculating on audio {}-{} ms",
                  candidate.startSample() / 16,
                  candidate.endSample() / 16);
              speculation.start(candidate, answer);
              abandonInterim(Recognition.Useless.SUPERSEDED);
              activePolicy()
                  .ifPresent(
                      policy -> {
                        judge(candidate);
                        // The final cannot come before this answer anyway: until the pause is
                        // judged it is held open (up to the bound), so a slow answer never lets
                        // the plain silence rule split a sentence the words would have held.
                        session.pauseJudged(policy.holdFrames(), OptionalDouble.empty());
                      });
              recognition.whenBack(answer, back -> speculated(candidate, voicedSamples, back));
            });
  }

  private void speculated(Segment candidate, long voicedSamples, Recognition.Returned back) {
    if (!speculation.isFor(candidate) || back.failed()) {
      return;
    }
    Transcript heard = back.outcome().transcript();
    String text = heard.text();
    log.debug(
        "speculative answer for audio {}-{} ms: {}",
        candidate.startSample() / 16,
        candidate.endSample() / 16,
        userData.transcript(text));
    if (interimsWanted) {
      interims
          .speculated(candidate.startSample(), text)
          .ifPresent(update -> session.interim(update, candidate.endSample(), heard));
    }
    if (activePolicy().isPresent()) {
      judgedText = text;
      judgedWords = verdict(heard, candidate, voicedSamples);
      decideTurn(candidate);
    } else if (TranscriptCleaner.endsSentence(text)) {
      session.sentenceEnded();
    }
  }

  /** End-of-turn detection, when it is on and this session asked for it. */
  private Optional<TurnPolicy> activePolicy() {
    return session.judgesTurns() ? turnPolicy : Optional.empty();
  }

  /** Starts the turn model on the pause's audio when the policy uses it and the CPU is idle. */
  private void judge(Segment candidate) {
    judged = candidate;
    judgedText = null;
    judgedWords = null;
    judgedCompleteness = OptionalDouble.empty();
    if (turnJudge == null) {
      return;
    }
    short[] samples = candidate.samples();
    turnJudge
        .judgeIfIdle(Pcm16.toFloat(samples, 0, samples.length), recognition.idle())
        .ifPresent(
            answer -> {
              recognition.whenDone(
                  answer.handle(
                      (p, failure) ->
                          failure == null ? OptionalDouble.of(p) : OptionalDouble.empty()),
                  p -> {
                    if (judged == candidate) {
                      judgedCompleteness = p;
                      decideTurn(candidate);
                    }
                  });
            });
  }

  /**
   * Once the words are in, the policy sets the pause's end-point (with the model's answer, if in).
   */
  private void decideTurn(Segment candidate) {
    // Decided as soon as the words are in: the model counts only if it answered first, so a busy
    // CPU that slows it never delays the final (measured: waiting for it cost ~360 ms at p50).
    if (judged != candidate || judgedWords == null || !speculation.isFor(candidate)) {
      return;
    }
    judged = null;
    int frames = turnPolicy.orElseThrow().endpointFrames(judgedWords, judgedCompleteness);
    log.debug(
        "turn: {} ({}) completeness {} -> end-point {} frames",
        userData.transcript(judgedText),
        judgedWords,
        judgedCompleteness,
        frames);
    session.pauseJudged(frames, judgedCompleteness);
  }

  /**
   * What the speculative words say, knowing where the voice stopped in their audio ({@code
   * candidate}): the first {@code voicedSamples} samples end with the last frame the end-pointing
   * VAD heard.
   */
  private static TranscriptCompleteness.Verdict verdict(
      Transcript heard, Segment candidate, long voicedSamples) {
    double voiceEnd = voicedSamples / (double) AudioNormalizer.TARGET_RATE;
    if (heard.words().isEmpty()) {
      return TranscriptCompleteness.of(heard.text(), OptionalDouble.empty(), voiceEnd);
    }
    Transcript.Word last = heard.words().getLast();
    // What the verdict weighs (decisions/0026), and where either VAD last heard voice.
    log.debug(
        "turn words: last word {}-{} s, voice ends {} s (end-pointing VAD), {} s (either VAD)",
        last.start(),
        last.end(),
        voiceEnd,
        (candidate.voiceEndSample() - candidate.startSample())
            / (double) AudioNormalizer.TARGET_RATE);
    return TranscriptCompleteness.of(heard.text(), OptionalDouble.of(last.start()), voiceEnd);
  }

  private void hypothesise(Segment soFar, Hints hints) {
    recognition
        .sendInBackground(soFar, hints)
        .ifPresent(
            answer -> {
              interims.sent();
              interimAnswer = answer;
              recognition.whenBack(
                  answer,
                  back -> {
                    if (interimAnswer == answer) {
                      interimAnswer = null;
                    }
                    Optional<Transcript> heard =
                        back.failed() ? Optional.empty() : Optional.of(back.outcome().transcript());
                    interims
                        .heard(heard.map(Transcript::text))
                        .ifPresent(
                            update -> session.interim(update, soFar.endSample(), heard.get()));
                  });
            });
  }
}
