package ai.voice.stt.session;

import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.recognizer.TranscriptCleaner;
import ai.voice.stt.telemetry.SttMetrics;
import ai.voice.stt.telemetry.UserData;
import java.util.Optional;
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
  }

  private final boolean speculative;
  private final Recognition recognition;
  private final SttMetrics metrics;
  private final UserData userData;
  private final Session session;
  private final Speculation speculation = new Speculation();
  private final InterimHypotheses interims;
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
    this.speculative = streaming.speculative();
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
      segmenter.settled().ifPresent(candidate -> speculate(candidate, hints));
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
    abandonInterim();
    return claimed.orElseGet(() -> recognition.send(segment, hints));
  }

  /**
   * A segment of the open utterance goes to the recognizer, so that utterance is no longer open: an
   * interim still running is about it (interims go out only while nothing of the session waits for
   * the recognizer, so none was sent after this segment was cut), and {@link
   * InterimHypotheses#heard} would drop its answer. It is aborted before the segment is sent, so a
   * worker it held is free for it. A newer interim never supersedes a running one: the next is due
   * only after it came back.
   */
  private void abandonInterim() {
    if (interimAnswer != null) {
      recognition.abandon(interimAnswer, Recognition.Useless.UTTERANCE_CUT);
      interimAnswer = null;
    }
  }

  /** The session stops: an answer still running is not used (the caller aborts them all). */
  void stop() {
    speculation.discard();
    interimAnswer = null;
  }

  private void speculate(Segment candidate, Hints hints) {
    if (!speculative) {
      return;
    }
    recognition
        .sendIfIdle(candidate, hints)
        .ifPresent(
            answer -> {
              log.debug(
                  "speculating on audio {}-{} ms",
                  candidate.startSample() / 16,
                  candidate.endSample() / 16);
              speculation.start(candidate, answer);
              recognition.whenBack(answer, back -> speculated(candidate, back));
            });
  }

  private void speculated(Segment candidate, Recognition.Returned back) {
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
    if (TranscriptCleaner.endsSentence(text)) {
      session.sentenceEnded();
    }
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
