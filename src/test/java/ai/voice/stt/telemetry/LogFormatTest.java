package ai.voice.stt.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The log lines logback.xml produces, with the encoder and filter it configures. */
class LogFormatTest {

  @Test
  void jsonLineInsideASpanCarriesItsTraceAndSpanIds() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Logger log = logger("json", out);
    try (SdkTracerProvider tracing = SdkTracerProvider.builder().build()) {
      Span span = tracing.get("test").spanBuilder("utterance").startSpan();
      Scope scope = span.makeCurrent();
      try {
        log.info("published result {} of session {}", 3, "s-1");
      } finally {
        scope.close();
        span.end();
      }
      log.info("outside any span");

      String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
      assertEquals(2, lines.length, String.join("\n", lines));
      JsonNode inside = new ObjectMapper().readTree(lines[0]);
      assertEquals("INFO", inside.get("level").asText());
      assertEquals("published result 3 of session s-1", inside.get("formattedMessage").asText());
      assertEquals(span.getSpanContext().getTraceId(), inside.at("/mdc/trace_id").asText());
      assertEquals(span.getSpanContext().getSpanId(), inside.at("/mdc/span_id").asText());
      JsonNode outside = new ObjectMapper().readTree(lines[1]);
      assertTrue(outside.at("/mdc/trace_id").isMissingNode(), lines[1]);
    }
  }

  @Test
  void textFormatIsOnePlainLine() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Logger logger = logger("text", out);
    logger.warn("no NATS for {} s", 2);
    String line = out.toString(StandardCharsets.UTF_8);
    assertTrue(line.contains("WARN  [") && line.endsWith("- no NATS for 2 s\n"), line);
    assertFalse(line.startsWith("{"), line);
  }

  private static Logger logger(String format, ByteArrayOutputStream out) {
    LoggerContext context = new LoggerContext();
    TraceIdsInLogs filter = new TraceIdsInLogs();
    filter.setContext(context);
    filter.start();
    context.addTurboFilter(filter);
    LogEncoder encoder = new LogEncoder();
    encoder.setContext(context);
    encoder.setFormat(format);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    // The MDC the filter writes to is SLF4J's, which the real (global) context also reads.
    context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
    context.start();
    Logger logger = context.getLogger("test");
    logger.addAppender(appender);
    return logger;
  }
}
