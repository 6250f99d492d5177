package ai.voice.stt.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what the service logs (every logger) while open, as formatted lines. */
public final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  /** Every line so far: level, logger, formatted message and any exception text. */
  public List<String> lines() {
    synchronized (appender) { // AppenderBase.doAppend holds this lock
      return appender.list.stream().map(LogCapture::line).toList();
    }
  }

  public boolean contains(String text) {
    return lines().stream().anyMatch(l -> l.contains(text));
  }

  private static String line(ILoggingEvent e) {
    StringBuilder s =
        new StringBuilder()
            .append(e.getLevel())
            .append(' ')
            .append(e.getLoggerName())
            .append(" - ")
            .append(e.getFormattedMessage());
    for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
      s.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    }
    return s.toString();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
