package ai.voice.stt.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pure policy: which of the messages a session published (as its results stream keeps them, in the
 * order they were published) a client did not receive, and where each belongs among those it did.
 *
 * <p>A kept message is matched with the first received message of the same bytes not yet matched;
 * what stays unmatched was missed. What the client received keeps its order; a missed message is
 * placed just before the received message that matches the next matched kept one (at the end when
 * none follows). Nothing is merged away: a message published twice is kept twice, and a client that
 * received one copy gets the other, so a duplicate stays as visible as it was.
 */
final class MissedOutputs {
  private MissedOutputs() {}

  /** One place in the merged order: a received message (by index) or a missed one (its bytes). */
  record Place(int received, byte[] missed) {
    static Place received(int index) {
      return new Place(index, null);
    }

    static Place missed(byte[] payload) {
      return new Place(-1, payload);
    }

    boolean wasMissed() {
      return missed != null;
    }
  }

  /**
   * @param received what the client got, in arrival order
   * @param kept what the stream keeps for the session, oldest first (it may have dropped the
   *     oldest: a received message it lacks simply keeps its place)
   * @return every received message once, in its order, with the missed ones inserted
   */
  static List<Place> merge(List<byte[]> received, List<byte[]> kept) {
    boolean[] matched = new boolean[received.size()];
    // For each kept message, the received index it matched, or -1 when missed.
    int[] match = new int[kept.size()];
    for (int k = 0; k < kept.size(); k++) {
      match[k] = -1;
      for (int r = 0; r < received.size(); r++) {
        if (!matched[r] && Arrays.equals(received.get(r), kept.get(k))) {
          matched[r] = true;
          match[k] = r;
          break;
        }
      }
    }
    // The missed messages waiting to go before received index r (received.size(): at the end).
    List<List<byte[]>> before = new ArrayList<>();
    for (int r = 0; r <= received.size(); r++) {
      before.add(new ArrayList<>());
    }
    for (int k = 0; k < kept.size(); k++) {
      if (match[k] >= 0) {
        continue;
      }
      int at = received.size();
      for (int next = k + 1; next < kept.size(); next++) {
        if (match[next] >= 0) {
          at = match[next];
          break;
        }
      }
      before.get(at).add(kept.get(k));
    }
    List<Place> merged = new ArrayList<>();
    for (int r = 0; r <= received.size(); r++) {
      before.get(r).forEach(m -> merged.add(Place.missed(m)));
      if (r < received.size()) {
        merged.add(Place.received(r));
      }
    }
    return merged;
  }
}
