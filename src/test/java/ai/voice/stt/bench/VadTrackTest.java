package ai.voice.stt.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The segmenter's onset and end-point rule as {@code stt vad-check} applies it to VAD flags. */
class VadTrackTest {

  private static boolean[] flags(String pattern) {
    boolean[] out = new boolean[pattern.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = pattern.charAt(i) == '#';
    }
    return out;
  }

  @Test
  void aVoicedRunOpensAndAPauseCloses() {
    boolean[] f = flags("..##.###....###..");
    VadTrack track = new VadTrack(f, f, 0);
    // 3 voiced frames open (a run of 2 does not); 3 quiet frames close.
    assertEquals(
        List.of(new VadTrack.Utterance(5, 11), new VadTrack.Utterance(12, 17)),
        track.utterances(3, 3));
  }

  @Test
  void theEndPointingFlagsDecideOnceTheyHaveHeardTheUtterance() {
    boolean[] onset = flags("###########.....");
    boolean[] holds = flags("..####..........");
    VadTrack track = new VadTrack(onset, holds, 0);
    assertEquals(List.of(new VadTrack.Utterance(0, 9)), track.utterances(3, 3));
    assertEquals(6, track.silenceFrom(0), "the end-pointing VAD's last quiet run");
  }

  @Test
  void onsetsReArmOnlyAfterAQuietFrame() {
    boolean[] onset = flags("################");
    boolean[] holds = flags("####............");
    VadTrack track = new VadTrack(onset, holds, 0);
    // Closed by the end-pointing VAD, but the onset VAD's run goes on: no second utterance.
    assertEquals(List.of(new VadTrack.Utterance(0, 7)), track.utterances(3, 3));
  }
}
