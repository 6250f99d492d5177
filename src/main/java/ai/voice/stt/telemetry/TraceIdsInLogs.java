package ai.voice.stt.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts {@code trace_id} and {@code span_id} of the current span into the MDC of every log event
 * (and takes them out where no span is current), so a log line links to its utterance's trace.
 * Installed in logback.xml; it decides nothing about whether an event is logged.
 */
public final class TraceIdsInLogs extends TurboFilter {
  static final String TRACE_ID = "trace_id";
  static final String SPAN_ID = "span_id";

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // Not logger.isEnabledFor: that asks the turbo filters again.
    if (level == null || logger == null || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL; // the event will not be created: no MDC work for it
    }
    SpanContext span = Span.current().getSpanContext();
    if (span.isValid()) {
      MDC.put(TRACE_ID, span.getTraceId());
      MDC.put(SPAN_ID, span.getSpanId());
    } else if (MDC.get(TRACE_ID) != null) {
      MDC.remove(TRACE_ID);
      MDC.remove(SPAN_ID);
    }
    return FilterReply.NEUTRAL;
  }
}
