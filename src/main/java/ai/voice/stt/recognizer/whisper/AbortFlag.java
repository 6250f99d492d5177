package ai.voice.stt.recognizer.whisper;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Stops a running {@code whisper_full_with_state} call: whisper.cpp asks its {@code abort_callback}
 * before each graph computation and between decoder steps; the binding's callback reads this flag's
 * byte (its {@code abort_callback_user_data}). Set from any thread; one flag per call.
 */
public final class AbortFlag implements AutoCloseable {
  private final Arena arena = Arena.ofShared();
  private final MemorySegment flag = arena.allocate(1);

  /** Asks the call to stop at whisper.cpp's next check. */
  public void abort() {
    flag.setAtIndex(JAVA_BYTE, 0, (byte) 1);
  }

  public boolean aborted() {
    return flag.getAtIndex(JAVA_BYTE, 0) != 0;
  }

  MemorySegment address() {
    return flag;
  }

  /** Frees the flag's byte; only after the call it was given to has returned. */
  @Override
  public void close() {
    arena.close();
  }
}
