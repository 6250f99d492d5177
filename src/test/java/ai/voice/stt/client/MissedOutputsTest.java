package ai.voice.stt.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the messages a client missed go among those it received, and that nothing is merged. */
class MissedOutputsTest {

  @Test
  void nothingMissedLeavesTheReceivedOrderAlone() {
    assertEquals(List.of("a", "b", "c"), merged(List.of("a", "b", "c"), List.of("a", "b", "c")));
  }

  @Test
  void aMissedMessageGoesBeforeTheNextOneTheClientReceived() {
    assertEquals(List.of("r0", "r1", "r2"), merged(List.of("r1", "r2"), List.of("r0", "r1", "r2")));
    assertEquals(
        List.of("r0", "r1", "r2", "r3"),
        merged(List.of("r0", "r3"), List.of("r0", "r1", "r2", "r3")));
  }

  @Test
  void messagesMissedAtTheEndGoLast() {
    assertEquals(List.of("r0", "r1", "eos"), merged(List.of("r0"), List.of("r0", "r1", "eos")));
  }

  @Test
  void aReceivedMessageTheStreamNoLongerKeepsKeepsItsPlace() {
    // The stream drops a session's oldest messages past its limit.
    assertEquals(List.of("old", "r1", "r2"), merged(List.of("old", "r2"), List.of("r1", "r2")));
  }

  @Test
  void aMessagePublishedTwiceStaysTwice() {
    // Received both copies: both stay, nothing is added.
    assertEquals(List.of("a", "a", "b"), merged(List.of("a", "a", "b"), List.of("a", "a", "b")));
    // Received one copy: the other is added, so the duplicate is as visible as it was.
    assertEquals(List.of("a", "a", "b"), merged(List.of("a", "b"), List.of("a", "a", "b")));
  }

  @Test
  void receivedOrderIsKeptWhenItDiffersFromTheStreams() {
    // Two publishers: the client saw b before a. No copy is made of either.
    assertEquals(List.of("b", "a"), merged(List.of("b", "a"), List.of("a", "b")));
  }

  @Test
  void nothingKeptMeansNothingAdded() {
    assertEquals(List.of("a"), merged(List.of("a"), List.of()));
  }

  private static List<String> merged(List<String> received, List<String> kept) {
    List<byte[]> r = bytes(received);
    return MissedOutputs.merge(r, bytes(kept)).stream()
        .map(p -> p.wasMissed() ? p.missed() : r.get(p.received()))
        .map(b -> new String(b, StandardCharsets.UTF_8))
        .toList();
  }

  private static List<byte[]> bytes(List<String> strings) {
    return strings.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
  }
}
