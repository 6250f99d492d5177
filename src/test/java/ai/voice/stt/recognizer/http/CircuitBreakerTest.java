package ai.voice.stt.recognizer.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.recognizer.http.CircuitBreaker.State;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's rules, step by step on a clock the test moves. */
class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong();
  private final CircuitBreaker breaker =
      new CircuitBreaker(3, Duration.ofSeconds(5).toNanos(), now::get);

  @Test
  void opensAfterTheThresholdOfConsecutiveFailuresAndRefusesWithTheLastReason() {
    fail(2);
    assertEquals(State.CLOSED, breaker.state());
    fail(1);
    assertEquals(State.OPEN, breaker.state());
    Optional<String> refused = breaker.tryAcquire();
    assertTrue(refused.orElseThrow().contains("3 consecutive failures"), refused.get());
    assertTrue(refused.get().contains("connection refused"), refused.get());
  }

  @Test
  void aSuccessInBetweenResetsTheCount() {
    fail(2);
    assertTrue(breaker.tryAcquire().isEmpty());
    breaker.onSuccess();
    fail(2);
    assertEquals(State.CLOSED, breaker.state());
  }

  @Test
  void afterTheOpenPeriodExactlyOneTrialGoesThroughAndItsSuccessCloses() {
    fail(3);
    now.addAndGet(Duration.ofSeconds(4).toNanos());
    assertTrue(breaker.tryAcquire().isPresent(), "still open");
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertTrue(breaker.tryAcquire().isEmpty(), "the trial");
    assertEquals(State.HALF_OPEN, breaker.state());
    assertTrue(breaker.tryAcquire().isPresent(), "one trial at a time");
    breaker.onSuccess();
    assertEquals(State.CLOSED, breaker.state());
    assertTrue(breaker.tryAcquire().isEmpty());
  }

  @Test
  void aFailedTrialOpensTheCircuitForAnotherFullPeriod() {
    fail(3);
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertTrue(breaker.tryAcquire().isEmpty());
    breaker.onFailure("HTTP 503");
    assertEquals(State.OPEN, breaker.state());
    now.addAndGet(Duration.ofSeconds(4).toNanos());
    assertTrue(breaker.tryAcquire().orElseThrow().contains("HTTP 503"));
  }

  @Test
  void anAbandonedTrialFreesTheSlotForTheNextCaller() {
    fail(3);
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertTrue(breaker.tryAcquire().isEmpty());
    breaker.onAbandoned();
    assertTrue(breaker.tryAcquire().isEmpty());
  }

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      assertTrue(breaker.tryAcquire().isEmpty());
      breaker.onFailure("connection refused");
    }
  }
}
