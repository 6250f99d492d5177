package ai.voice.stt.protocol;

import java.util.Optional;

/** Whether the assistant is listening to the user or speaking to them. */
public enum SessionState {
  LISTENING("listening"),
  RESPONDING("responding");

  private final String wireName;

  SessionState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<SessionState> fromWire(String name) {
    for (SessionState state : values()) {
      if (state.wireName.equals(name)) {
        return Optional.of(state);
      }
    }
    return Optional.empty();
  }
}
