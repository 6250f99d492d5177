package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThreadAllotmentTest {

  @Test
  void aCallAloneGetsEveryCoreAndLaterCallsGetTheRemainingShare() {
    ThreadAllotment allotment = new ThreadAllotment(1, 4);
    assertEquals(4, allotment.acquire());
    assertEquals(2, allotment.acquire());
    assertEquals(1, allotment.acquire());
    assertEquals(1, allotment.acquire());
    allotment.release();
    allotment.release();
    allotment.release();
    allotment.release();
    assertEquals(4, allotment.acquire());
  }

  @Test
  void neverBelowTheBaseThreadCount() {
    ThreadAllotment allotment = new ThreadAllotment(2, 2);
    allotment.acquire();
    assertEquals(2, allotment.acquire());
  }

  @Test
  void withoutElasticCoresEveryCallGetsTheBase() {
    ThreadAllotment allotment = new ThreadAllotment(3, 0);
    assertEquals(3, allotment.acquire());
    assertEquals(3, allotment.acquire());
  }
}
