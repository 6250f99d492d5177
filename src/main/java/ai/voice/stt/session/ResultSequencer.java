package ai.voice.stt.session;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * A session's results in order, as a pure policy (no clock, no threads: the caller passes times).
 * Cut utterances wait here; at most one is at the recognizer at a time, which keeps results in the
 * order the audio was spoken and the shared queue fair across sessions. Each result gets the next
 * {@code sequence} number and the next stretch of the timeline, so results cover disjoint,
 * consecutive audio with no gaps. It also keeps the replay point a hand-over needs: the first chunk
 * of the input stream not yet covered by a published result.
 */
final class ResultSequencer {
  /** An utterance waiting for (or at) the recognizer, with when it was cut, for its trace. */
  record Pending(Segment segment, long cutNanos) {}

  /** The sequence number and the stretch of the timeline (16 kHz samples) of one result. */
  record Slot(long sequence, long start, long end) {}

  /**
   * Where a chunk of the input stream begins: its stream sequence, its place in the 16 kHz timeline
   * and the audio accepted before it. A hand-over replays from one of these.
   */
  record Mark(long seq, long timeline, long acceptedFrames) {}

  private final Backlog backlog;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private final ArrayDeque<Mark> marks = new ArrayDeque<>();
  private Mark replayPoint;
  // Audio before this sample will never be in a result (silence between utterances).
  private long quietUntil;
  private boolean atRecognizer;
  private long sequence;
  private long coveredUntil;
  private long backlogSamples;

  /**
   * @param backlog the replica's backlog, which this session's waiting audio adds to
   * @param from where a carried-on session stands (all zero for a new one)
   */
  ResultSequencer(Backlog backlog, SessionCheckpoint from) {
    this.backlog = backlog;
    this.sequence = from.sequence();
    this.coveredUntil = from.covered();
    this.replayPoint = new Mark(from.resumeSeq(), from.timeline(), from.acceptedFrames());
  }

  /** A cut utterance waits its turn. */
  void add(Segment segment, long cutNanos) {
    waiting.addLast(new Pending(segment, cutNanos));
    backlogSamples += segment.samples().length;
    backlog.queued(segment.samples().length);
  }

  /** The next utterance for the recognizer, when none is there now. */
  Optional<Pending> nextForRecognizer() {
    if (atRecognizer || waiting.isEmpty()) {
      return Optional.empty();
    }
    atRecognizer = true;
    backlog.submitted();
    return Optional.of(waiting.peekFirst());
  }

  /** The utterance at the recognizer came back (recognised or failed). */
  Pending returned() {
    Pending done = waiting.pollFirst();
    atRecognizer = false;
    backlogSamples -= done.segment().samples().length;
    backlog.done(done.segment().samples().length, false);
    return done;
  }

  boolean atRecognizer() {
    return atRecognizer;
  }

  /** Nothing waiting and nothing at the recognizer. */
  boolean idle() {
    return !atRecognizer && waiting.isEmpty();
  }

  /** Audio cut and not yet recognised (the one at the recognizer included), in samples. */
  long backlogSamples() {
    return backlogSamples;
  }

  /**
   * The next result's number and stretch: from where the last result ended (or the segment's start,
   * if later) to the segment's end, or to {@code position} for the session's last result.
   */
  Slot resultFor(Segment segment, boolean last, long position) {
    long start = Math.max(coveredUntil, segment.startSample());
    long end = last ? Math.max(segment.endSample(), position) : segment.endSample();
    return take(start, end);
  }

  /** The number and stretch of the empty last result: everything not yet covered. */
  Slot lastEmpty(long position) {
    return take(coveredUntil, Math.max(coveredUntil, position));
  }

  private Slot take(long start, long end) {
    coveredUntil = end;
    return new Slot(sequence++, start, end);
  }

  long nextSequence() {
    return sequence;
  }

  long coveredUntil() {
    return coveredUntil;
  }

  /** A chunk of the input stream starts here (JetStream routing). */
  void mark(long seq, long timeline, long acceptedFrames) {
    marks.addLast(new Mark(seq, timeline, acceptedFrames));
  }

  /**
   * Audio before {@code sample} will never be in a result (the segmenter needs none of it), taken
   * into account while no utterance waits: a silent session's replay point moves on with its audio,
   * so a next owner does not replay (or miss, once the stream dropped it) a long silence, and the
   * marks kept stay few.
   */
  void quietBefore(long sample) {
    if (idle()) {
      quietUntil = Math.max(quietUntil, sample);
    }
    trim();
  }

  /**
   * The first chunk whose audio a result may still need: where a next owner replays from. Results
   * cover the timeline from {@link #coveredUntil}, so what is skipped before the replay point is
   * covered by the next result all the same.
   */
  Mark replayPoint() {
    trim();
    return replayPoint;
  }

  private void trim() {
    long upTo = Math.max(coveredUntil, quietUntil);
    while (!marks.isEmpty() && marks.peekFirst().timeline() <= upTo) {
      replayPoint = marks.pollFirst();
    }
  }

  /** How many chunk marks are kept (their number stays small while a session is silent). */
  int marksHeld() {
    return marks.size();
  }

  /** The session leaves: what it still had waiting leaves the replica's backlog with it. */
  void dropAll() {
    boolean head = true;
    for (Pending p : waiting) {
      backlog.done(p.segment().samples().length, !(head && atRecognizer));
      head = false;
    }
    waiting.clear();
    backlogSamples = 0;
    atRecognizer = false;
  }
}
