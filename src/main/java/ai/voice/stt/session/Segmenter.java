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
 * limit emits what is buffered as a partial and the utterance goes on. Silence outside utterances
 * is never emitted: whisper invents text on silence.
 */
public final class Segmenter {
  private final SegmenterSettings settings;
  private final ArrayDeque<short[]> preRoll = new ArrayDeque<>();
  private final List<short[]> utterance = new ArrayList<>();
  private long position;
  private long utteranceStart;
  private int utteranceSamples;
  private int voicedRun;
  private int silenceRun;
  private int voicedFrames; // voiced frames in the buffered part of the utterance
  private boolean speaking;

  public Segmenter(SegmenterSettings settings) {
    this.settings = settings;
  }

  public boolean inUtterance() {
    return speaking;
  }

  /** Samples accepted so far: the session's position in its 16 kHz timeline. */
  public long position() {
    return position;
  }

  /**
   * Accepts the next frame.
   *
   * @return a segment when this frame completed one
   */
  public Optional<Segment> accept(short[] frame, boolean speech) {
    position += frame.length;
    return speaking ? continueUtterance(frame, speech) : listen(frame, speech);
  }

  private Optional<Segment> listen(short[] frame, boolean speech) {
    preRoll.addLast(frame);
    while (preRoll.size() > settings.preRollFrames() + settings.minSpeechFrames()) {
      preRoll.pollFirst();
    }
    voicedRun = speech ? voicedRun + 1 : 0;
    if (voicedRun >= settings.minSpeechFrames()) {
      speaking = true;
      silenceRun = 0;
      utteranceStart = position;
      voicedFrames = voicedRun;
      while (!preRoll.isEmpty()) {
        short[] f = preRoll.pollFirst();
        utteranceStart -= f.length;
        utterance.add(f);
        utteranceSamples += f.length;
      }
    }
    return Optional.empty();
  }

  private Optional<Segment> continueUtterance(short[] frame, boolean speech) {
    utterance.add(frame);
    utteranceSamples += frame.length;
    silenceRun = speech ? 0 : silenceRun + 1;
    if (speech) {
      voicedFrames++;
    }
    if (silenceRun >= settings.endpointFrames()) {
      return Optional.of(closeUtterance(silenceRun - settings.trailingFrames()));
    }
    if (utteranceSamples >= settings.maxUtteranceSamples()) {
      Segment partial = new Segment(drain(0), utteranceStart, false, voicedFrames > 0);
      utteranceStart = position;
      voicedFrames = 0;
      return Optional.of(partial);
    }
    return Optional.empty();
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
      utterance.add(tail);
      utteranceSamples += tail.length;
    }
    return Optional.of(closeUtterance(0));
  }

  /** Closes the utterance; its last {@code dropFrames} silent frames become the next pre-roll. */
  private Segment closeUtterance(int silentFrames) {
    // After a partial cut the buffer may hold fewer frames than the silence run.
    int dropFrames = Math.min(silentFrames, utterance.size());
    List<short[]> dropped =
        new ArrayList<>(utterance.subList(utterance.size() - dropFrames, utterance.size()));
    Segment segment = new Segment(drain(dropFrames), utteranceStart, true, voicedFrames > 0);
    voicedFrames = 0;
    speaking = false;
    voicedRun = 0;
    silenceRun = 0;
    preRoll.clear();
    preRoll.addAll(dropped);
    return segment;
  }

  private short[] drain(int dropFrames) {
    int frames = utterance.size() - dropFrames;
    int length = 0;
    for (int i = 0; i < frames; i++) {
      length += utterance.get(i).length;
    }
    short[] samples = new short[length];
    int offset = 0;
    for (int i = 0; i < frames; i++) {
      short[] f = utterance.get(i);
      System.arraycopy(f, 0, samples, offset, f.length);
      offset += f.length;
    }
    utterance.clear();
    utteranceSamples = 0;
    return samples;
  }
}
