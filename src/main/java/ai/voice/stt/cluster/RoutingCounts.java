package ai.voice.stt.cluster;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How sessions came to this replica and left it, for {@code /metrics}: the claims it made by how
 * the session was found, and the sessions it handed over when leaving. Counted where they happen
 * ({@link JetStreamRouting}); read when metrics are scraped.
 */
public final class RoutingCounts {
  /** How a claimed session was found. */
  public enum Claim {
    /** A session nobody held: its first input. */
    NEW("new"),
    /** Released by a replica that left (a hand-over at shutdown or scale-in). */
    HAND_OVER("hand_over"),
    /** Held by a replica that stopped answering (crashed, stopped, cut off): taken without it. */
    TAKEOVER("takeover"),
    /** Refused earlier (busy, at the limit) and opened again by a new {@code start}. */
    AFTER_REFUSAL("after_refusal");

    private final String label;

    Claim(String label) {
      this.label = label;
    }

    /** The value of the {@code kind} label on {@code stt_routing_claims_total}. */
    public String label() {
      return label;
    }
  }

  private final Map<Claim, LongAdder> claims = new EnumMap<>(Claim.class);
  private final LongAdder handedOver = new LongAdder();

  public RoutingCounts() {
    for (Claim c : Claim.values()) {
      claims.put(c, new LongAdder());
    }
  }

  void claimed(Claim how) {
    claims.get(how).increment();
  }

  void handedOver(int sessions) {
    handedOver.add(sessions);
  }

  public long claims(Claim how) {
    return claims.get(how).sum();
  }

  /** Sessions this replica released to the others as it left. */
  public long handedOver() {
    return handedOver.sum();
  }
}
