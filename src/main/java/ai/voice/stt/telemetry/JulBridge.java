package ai.voice.stt.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.LogRecord;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Routes {@code java.util.logging} into SLF4J, so libraries that log through it (the OpenTelemetry
 * SDK, the JDK's HTTP client) come out in the service's format, JSON in containers.
 *
 * <p>One change on the way: the OTLP exporters log every failed export at SEVERE with a stack trace
 * some sixty frames deep, which for the common case, a collector that is down or not deployed, says
 * nothing more than its chain of exception types. Those records keep their level and message and
 * carry the chain on the same line instead of the trace.
 */
public final class JulBridge extends SLF4JBridgeHandler {
  private static final String EXPORTERS = "io.opentelemetry.exporter";

  /** Replaces java.util.logging's console handler with this bridge (once, at process start). */
  public static void install() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    java.util.logging.LogManager.getLogManager().getLogger("").addHandler(new JulBridge());
  }

  @Override
  public void publish(LogRecord record) {
    if (record != null
        && record.getThrown() != null
        && record.getLoggerName() != null
        && record.getLoggerName().startsWith(EXPORTERS)) {
      super.publish(withCausesInline(record));
    } else {
      super.publish(record);
    }
  }

  private static LogRecord withCausesInline(LogRecord record) {
    LogRecord brief =
        new LogRecord(
            record.getLevel(), record.getMessage() + " (" + chain(record.getThrown()) + ")");
    brief.setLoggerName(record.getLoggerName());
    brief.setParameters(record.getParameters());
    brief.setResourceBundle(record.getResourceBundle());
    brief.setInstant(record.getInstant());
    return brief;
  }

  /**
   * {@code CompletionException > ConnectException: Connection refused}: the types, the deepest
   * message.
   */
  static String chain(Throwable thrown) {
    List<String> types = new ArrayList<>();
    String message = null;
    for (Throwable t = thrown; t != null && types.size() < 8; t = t.getCause()) {
      types.add(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        message = t.getMessage(); // the deepest one says most
      }
    }
    return String.join(" > ", types) + (message == null ? "" : ": " + message);
  }
}
