package ai.voice.stt.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cuts one session's stream of classified 30 ms frames into utterances. A pure policy: no clock, no
 * threads, no I/O, so every rule is unit-testable frame by frame.
 *
 * <p>Idle, it keeps a short pre-roll of recent frames. A run of {@code minSpeechFrames} voiced
 * frames opens an utterance that starts with the pre-roll. A run of {@code endpointFrames} unvoiced
 * frames closes it as final, keeping {@code trailingFrames} of the silence. Reaching the buffer
 * limit emits a partial and the utterance goes on; the cut goes after the latest unvoiced frame of
 * the last second when there is one, so words are not split. Silence outside utterances is never
 * emitted: whisper invents text on silence. A segment is marked as holding voice only when the
 * {@link SpeechGate} finds speech in it; one without is published empty, never recognised.
 */
public final class Segmenter {
  // How far back from the buffer limit a partial cut may move to land in a pause (1 s).
  private static final int CUT_SEARCH_FRAMES = 33;

  // speech: the onset VAD heard it; holds: the end-pointing VAD did (the utterance goes on).
  private record Frame(short[] samples, boolean speech, boolean holds) {}

  private final SegmenterSettings settings;
  private final ArrayDeque<Frame> preRoll = new ArrayDeque<>();
  private final List<Frame> utterance = new ArrayList<>();
  private long position;
  private long utteranceStart;
  private int utteranceSamples;
  private int voicedRun;
  private int silenceRun;
  private boolean speaking;
  // The frame just accepted left the utterance open (see settledAt()).
  private boolean stillOpen;
  // The end-point of the current pause when it differs from the configured one (0: none): shorter
  // after a finished sentence or a complete turn, longer when the turn goes on.
  private int pauseEndpoint;
  // The end-pointing VAD has heard the open utterance: from then on its pauses count, not the onset
  // VAD's. A speaker it never hears (quiet, or far from the microphone) keeps the onset VAD's.
  private boolean endpointHeard;
  // After an utterance ends, the onset VAD's speech that runs on from it (its hang-over, a breath
  // the end-pointing VAD did not hear) opens no new one: onsets re-arm at its first quiet frame, or
  // when the end-pointing VAD hears speech.
  private boolean onsetArmed = true;

  public Segmenter(SegmenterSettings settings) {
    this(settings, 0);
  }

  /**
   * A segmenter whose timeline starts at {@code position}: a session carried on by another replica
   * continues its timeline where the audio it replays begins.
   */
  public Segmenter(SegmenterSettings settings, long position) {
    this.settings = settings;
    this.position = position;
  }

  public boolean inUtterance() {
    return speaking;
  }

  /** The open utterance's last frame was speech: its pause, if there was one, is over. */
  public boolean speechGoesOn() {
    return speaking && silenceRun == 0;
  }

  /** Unvoiced samples heard since the last voiced frame of the open utterance (0 when none). */
  public long trailingSilenceSamples() {
    if (!speaking) {
      return 0;
    }
    long samples = 0;
    for (int i = utterance.size() - 1; i >= 0 && !utterance.get(i).holds(); i--) {
      samples += utterance.get(i).samples().length;
    }
    return samples;
  }

  /**
   * The earliest sample of the timeline that a later segment may still hold: the open utterance's
   * start, or, between utterances, the oldest frame of the pre-roll. Audio before it is silence
   * that no result will ever need.
   */
  public long firstNeeded() {
    if (speaking) {
      return utteranceStart;
    }
    long held = 0;
    for (Frame f : preRoll) {
      held += f.samples().length;
    }
    return position - held;
  }

  /** Samples accepted so far: the session's position in its 16 kHz timeline. */
  public long position() {
    return position;
  }

  /**
   * Accepts the next frame, one VAD's opinion for both onset and end.
   *
   * @return a segment when this frame completed one
   */
  public Optional<Segment> accept(short[] samples, boolean speech) {
    return accept(samples, speech, speech);
  }

  /**
   * Accepts the next frame, classified by two VADs: {@code speech} (the onset VAD) opens an
   * utterance; inside one that the end-pointing VAD (stricter by default) has heard, only its
   * {@code holds} keeps a pause from counting towards the end-point, so the end is found where
   * speech ends rather than where a lenient VAD's hang-over and breath noise stop. An utterance it
   * has not heard is ended by the onset VAD alone, so a quiet speaker is not cut into pieces.
   *
   * @return a segment when this frame completed one
   */
  public Optional<Segment> accept(short[] samples, boolean speech, boolean holds) {
    position += samples.length;
    stillOpen = false;
    if (!speaking) {
      return listen(new Frame(samples, speech, holds));
    }
    endpointHeard |= holds;
    return continueUtterance(new Frame(samples, speech, endpointHeard ? holds : speech));
  }

  private Optional<Segment> listen(Frame frame) {
    onsetArmed |= !frame.speech() || frame.holds();
    preRoll.addLast(frame);
    while (preRoll.size() > settings.preRollFrames() + settings.minSpeechFrames()) {
      preRoll.pollFirst();
    }
    voicedRun = frame.speech() && onsetArmed ? voicedRun + 1 : 0;
    if (voicedRun >= settings.minSpeechFrames()) {
      speaking = true;
      silenceRun = 0;
      endpointHeard = preRoll.stream().anyMatch(Frame::holds);
      utteranceStart = position;
      while (!preRoll.isEmpty()) {
        add(preRoll.pollFirst());
        utteranceStart -= utterance.getLast().samples().length;
      }
    }
    return Optional.empty();
  }

  private Optional<Segment> continueUtterance(Frame frame) {
    add(frame);
    silenceRun = frame.holds() ? 0 : silenceRun + 1;
    if (frame.holds()) {
      pauseEndpoint = 0;
    }
    if (silenceRun >= endpointFrames()) {
      return Optional.of(closeUtterance(silenceRun - settings.trailingFrames()));
    }
    stillOpen = true;
    if (utteranceSamples >= settings.maxUtteranceSamples()) {
      return Optional.of(cut(partialCutIndex(), false));
    }
    return Optional.empty();
  }

  /** Frames before this index go into the partial: just after the latest recent pause. */
  private int partialCutIndex() {
    int earliest = Math.max(1, utterance.size() - CUT_SEARCH_FRAMES);
    for (int i = utterance.size() - 1; i >= earliest; i--) {
      if (!utterance.get(i).holds() && !utterance.get(i).speech()) {
        return i + 1;
      }
    }
    return utterance.size();
  }

  /**
   * The open utterance up to a short way into a pause ({@link SegmenterSettings#speculateFrames},
   * at most the trailing silence kept with a segment), offered once, at that frame: if the pause
   * goes on to the end-point, the final segment is this audio and only more silence, so its words
   * are already all here. Recognising it now (speculatively) gives the final the moment the
   * end-point is confirmed. Nothing is taken from the buffer.
   */
  public Optional<Segment> settled() {
    return settledAt(settings.speculateFrames());
  }

  /**
   * The open utterance up to {@code frames} unvoiced frames into the current pause (1 to {@link
   * SegmenterSettings#trailingFrames}), offered once, at that frame, as {@link #settled()} is at
   * its configured point: a caller that speculates sooner for some sessions offers itself a second
   * look at the trailing silence, where the audio is exactly the final's.
   */
  public Optional<Segment> settledAt(int frames) {
    if (!stillOpen || silenceRun != Math.clamp(frames, 1, Math.max(1, settings.trailingFrames()))) {
      return Optional.empty();
    }
    // At most the trailing silence into the pause: nothing of the utterance is left out.
    return Optional.of(copy(utterance.size(), true));
  }

  /**
   * The open utterance with all the trailing silence a segment keeps, offered at that frame: the
   * final's audio exactly, should the pause go on to the end-point.
   */
  public Optional<Segment> settledWhole() {
    return settledAt(settings.trailingFrames());
  }

  /**
   * The current pause ends the utterance after {@code sentenceEndFrames} instead of the configured
   * end-point: the speculative transcript of the utterance ended a sentence (adaptive
   * end-pointing). Speech forgets it.
   *
   * @return the final segment when the pause is already that long
   */
  public Optional<Segment> endSentence() {
    return endPauseAfter(settings.sentenceEndFrames());
  }

  /**
   * The current pause ends the utterance after {@code frames} unvoiced frames instead of the
   * configured end-point (end-of-turn detection: fewer when the turn is complete, more when it goes
   * on); at least the trailing silence a final keeps. Speech forgets it.
   *
   * @return the final segment when the pause is already that long
   */
  public Optional<Segment> endPauseAfter(int frames) {
    if (!speaking || silenceRun == 0) {
      return Optional.empty();
    }
    pauseEndpoint = Math.max(Math.max(1, settings.trailingFrames()), frames);
    if (silenceRun >= pauseEndpoint) {
      return Optional.of(closeUtterance(silenceRun - settings.trailingFrames()));
    }
    return Optional.empty();
  }

  /**
   * Unvoiced frames that end the current pause: the configured end-point, or what {@link
   * #endPauseAfter} set for this pause.
   */
  public int endpointFrames() {
    return pauseEndpoint > 0 ? pauseEndpoint : settings.endpointFrames();
  }

  /** The open utterance so far, for an interim hypothesis; nothing is taken from the buffer. */
  public Optional<Segment> preview() {
    return speaking ? Optional.of(copy(utterance.size(), false)) : Optional.empty();
  }

  /** Where the open utterance (what is still buffered of it) starts on the timeline. */
  public long utteranceStart() {
    return utteranceStart;
  }

  /**
   * Ends the current utterance now (chunk timeout, end of stream).
   *
   * @param tail samples that arrived after the last whole frame; kept only inside an utterance
   */
  public Optional<Segment> flush(short[] tail) {
    position += tail.length;
    preRoll.clear();
    voicedRun = 0;
    if (!speaking) {
      return Optional.empty();
    }
    if (tail.length > 0) {
      add(new Frame(tail, false, false));
    }
    return Optional.of(closeUtterance(0));
  }

  /**
   * Audio that never arrived (refused while the session was overloaded): the utterance in progress
   * ends before the gap, and the timeline moves past it so later positions stay true.
   *
   * @param tail samples that arrived before the gap after the last whole frame
   * @param missing samples of the gap
   */
  public Optional<Segment> skip(short[] tail, long missing) {
    Optional<Segment> cut = flush(tail);
    position += missing;
    return cut;
  }

  /** Closes the utterance; its last {@code silentFrames} frames become the next pre-roll. */
  private Segment closeUtterance(int silentFrames) {
    // After a partial cut the buffer may hold fewer frames than the silence run.
    int keep = utterance.size() - Math.min(silentFrames, utterance.size());
    Segment segment = cut(keep, true);
    preRoll.addAll(utterance);
    utterance.clear();
    utteranceSamples = 0;
    speaking = false;
    voicedRun = 0;
    silenceRun = 0;
    onsetArmed = false;
    pauseEndpoint = 0;
    endpointHeard = false;
    return segment;
  }

  /** Emits the first {@code frames} frames of the buffer; the rest stays buffered. */
  private Segment cut(int frames, boolean isFinal) {
    Segment segment = copy(frames, isFinal);
    utterance.subList(0, frames).clear();
    utteranceSamples -= segment.samples().length;
    utteranceStart += segment.samples().length;
    return segment;
  }

  /** The first {@code frames} frames of the buffer as a segment, left in the buffer. */
  private Segment copy(int frames, boolean isFinal) {
    List<Frame> taken = utterance.subList(0, frames);
    int length = taken.stream().mapToInt(f -> f.samples().length).sum();
    short[] samples = new short[length];
    int offset = 0;
    boolean[] voiced = new boolean[taken.size()];
    short[][] parts = new short[taken.size()][];
    long speechStart = -1;
    long heardEnd = -1;
    long keptEnd = -1;
    for (int i = 0; i < taken.size(); i++) {
      Frame f = taken.get(i);
      if ((f.speech() || f.holds()) && speechStart < 0) {
        speechStart = utteranceStart + offset;
      }
      System.arraycopy(f.samples(), 0, samples, offset, f.samples().length);
      offset += f.samples().length;
      if (f.speech()) {
        heardEnd = utteranceStart + offset;
      }
      if (f.holds()) {
        keptEnd = utteranceStart + offset;
      }
      voiced[i] = f.speech();
      parts[i] = f.samples();
    }
    // Speech as the VAD heard it: from its first voiced frame to the last frame that kept the
    // utterance going (the end-pointing VAD's, once it has heard the utterance: where its end-point
    // pause counts from), else the onset VAD's last voiced frame.
    long speechEnd = keptEnd >= 0 ? keptEnd : heardEnd;
    if (speechStart < 0) {
      speechStart = utteranceStart;
      speechEnd = utteranceStart;
    }
    return new Segment(
        samples,
        utteranceStart,
        isFinal,
        settings.speechGate().isSpeech(voiced, parts),
        speechStart,
        speechEnd,
        Math.max(speechEnd, heardEnd));
  }

  private void add(Frame frame) {
    utterance.add(frame);
    utteranceSamples += frame.samples().length;
  }
}
