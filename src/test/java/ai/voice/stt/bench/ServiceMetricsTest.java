package ai.voice.stt.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServiceMetricsTest {
  private static final String PAGE =
      """
      # TYPE stt_speculative_total counter
      stt_speculative_total{otel_scope_name="voice-stt",outcome="used"} 12.0
      stt_speculative_total{otel_scope_name="voice-stt",outcome="wasted"} 3.0
      stt_interims_total{otel_scope_name="voice-stt"} 40.0
      stt_interims_totally_different 7
      """;

  @Test
  void readsACounterByNameAndLabel() {
    assertEquals(12, ServiceMetrics.value(PAGE, "stt_speculative_total", "outcome=\"used\""));
    assertEquals(3, ServiceMetrics.value(PAGE, "stt_speculative_total", "outcome=\"wasted\""));
    assertEquals(15, ServiceMetrics.value(PAGE, "stt_speculative_total", ""), "summed");
    assertEquals(40, ServiceMetrics.value(PAGE, "stt_interims_total", ""));
    assertTrue(Double.isNaN(ServiceMetrics.value(PAGE, "stt_missing_total", "")));
  }
}
