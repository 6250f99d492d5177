package ai.voice.stt.config;

/**
 * A credential (password, token, NKey seed) read from the environment or a mounted file. Its {@link
 * #toString()} never shows the value, so logging a configuration, or an exception that carries one,
 * cannot leak it; only the NATS connector reads {@link #value()}.
 */
public record Secret(String value) {
  public Secret {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("empty secret");
    }
  }

  @Override
  public String toString() {
    return "Secret[****]";
  }
}
