package ai.voice.stt.telemetry;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.io.Console;
import java.util.Locale;

/**
 * The log format of {@code STT_LOG_FORMAT}: {@code json} (one JSON object a line, with the MDC, for
 * a container's log collector), {@code text} (for people), or {@code auto}: JSON unless the process
 * runs on a terminal. Chosen once at start-up, in logback.xml, so no conditional configuration
 * library is needed.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {
  private String format = "auto";
  private String pattern = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n";
  private Encoder<ILoggingEvent> delegate;

  public void setFormat(String format) {
    this.format = format.strip().toLowerCase(Locale.ROOT);
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  /** True when logs will be JSON. */
  public boolean isJson() {
    return switch (format) {
      case "json" -> true;
      case "text" -> false;
      default -> !onTerminal();
    };
  }

  @Override
  public void start() {
    if (isJson()) {
      JsonEncoder json = new JsonEncoder();
      json.setWithFormattedMessage(true);
      // The raw template and its arguments would only repeat the formatted message.
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithSequenceNumber(false);
      json.setWithContext(false);
      delegate = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern(pattern);
      delegate = text;
    }
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }

  private static boolean onTerminal() {
    // Since JDK 22 System.console() exists when redirected too; isTerminal() tells them apart.
    Console console = System.console();
    return console != null && console.isTerminal();
  }
}
