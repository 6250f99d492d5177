package ai.voice.stt.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Typed access to environment variables. Every parse failure throws a {@link ConfigException} that
 * names the variable, the bad value and what was expected, so start-up fails with one clear line.
 */
final class EnvReader {
  private final Map<String, String> env;

  EnvReader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  String string(String name, String defaultValue) {
    String value = env.get(name);
    return value == null || value.isBlank() ? defaultValue : value.trim();
  }

  /** Every set variable whose name starts with {@code prefix}, for libraries that read them. */
  Map<String, String> withPrefix(String prefix) {
    Map<String, String> found = new java.util.TreeMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith(prefix) && !value.isBlank()) {
            found.put(name, value.trim());
          }
        });
    return found;
  }

  boolean bool(String name, boolean defaultValue) {
    String value = string(name, null);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw invalid(name, value, "true or false");
    };
  }

  int integer(String name, int defaultValue, int min, int max) {
    String value = string(name, null);
    if (value == null) {
      return defaultValue;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw invalid(name, value, "an integer between " + min + " and " + max);
    }
    if (parsed < min || parsed > max) {
      throw invalid(name, value, "an integer between " + min + " and " + max);
    }
    return parsed;
  }

  /** A decimal number between {@code min} and {@code max}. */
  double decimal(String name, double defaultValue, double min, double max) {
    String value = string(name, null);
    if (value == null) {
      return defaultValue;
    }
    String expected = "a number between " + min + " and " + max;
    double parsed;
    try {
      parsed = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw invalid(name, value, expected);
    }
    if (!(parsed >= min && parsed <= max)) { // NaN fails too
      throw invalid(name, value, expected);
    }
    return parsed;
  }

  /** Seconds as a decimal number, the unit the original module used (e.g. "2.0"). */
  Duration seconds(String name, Duration defaultValue, Duration min, Duration max) {
    String value = string(name, null);
    if (value == null) {
      return defaultValue;
    }
    Duration parsed;
    try {
      double secs = Double.parseDouble(value);
      if (!Double.isFinite(secs)) {
        throw new NumberFormatException();
      }
      parsed = Duration.ofNanos(Math.round(secs * 1e9));
    } catch (NumberFormatException e) {
      throw invalid(name, value, "a number of seconds");
    }
    if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
      throw invalid(
          name,
          value,
          "seconds between " + min.toMillis() / 1000.0 + " and " + max.toMillis() / 1000.0);
    }
    return parsed;
  }

  /** Milliseconds as an integer, for the fine-grained streaming parameters. */
  Duration millis(String name, Duration defaultValue, int minMs, int maxMs) {
    return Duration.ofMillis(integer(name, (int) defaultValue.toMillis(), minMs, maxMs));
  }

  static ConfigException invalid(String name, String value, String expected) {
    return new ConfigException("Invalid " + name + "='" + value + "': expected " + expected + ".");
  }
}
