package ai.voice.stt.cluster;

import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every owner the session bucket names, as a test's watcher saw them, and what a fault did. */
final class OwnershipLog implements KeyValueWatcher {
  record Ownership(String session, String owner, long nanos) {}

  private final List<Ownership> seen = new CopyOnWriteArrayList<>();

  @Override
  public void watch(KeyValueEntry entry) {
    if (entry.getOperation() == KeyValueOperation.PUT) {
      try {
        seen.add(
            new Ownership(
                SessionKeys.sessionId(entry.getKey()),
                CheckpointCodec.decode(entry.getValue()).owner(),
                System.nanoTime()));
      } catch (IOException e) {
        return; // a refusal record: nobody owns it
      }
    }
  }

  @Override
  public void endOfData() {}

  /** The sessions {@code replica} owned at {@code nanos}, sorted. */
  List<String> heldBy(String replica, long nanos) {
    Map<String, String> owner = new HashMap<>();
    seen.stream().filter(o -> o.nanos() <= nanos).forEach(o -> owner.put(o.session(), o.owner()));
    return owner.entrySet().stream()
        .filter(e -> e.getValue().equals(replica))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /**
   * When another replica than {@code replica} first wrote each session's key after {@code nanos}.
   */
  Map<String, Long> movedFrom(String replica, long nanos) {
    Map<String, Long> moved = new HashMap<>();
    for (Ownership o : seen) {
      if (o.nanos() > nanos && !o.owner().isEmpty() && !o.owner().equals(replica)) {
        moved.putIfAbsent(o.session(), o.nanos());
      }
    }
    return moved;
  }

  /** The owners a session's key named after {@code nanos}, each change once. */
  List<String> ownersAfter(String session, long nanos) {
    List<String> owners = new ArrayList<>();
    for (Ownership o : seen) {
      if (o.session().equals(session) && o.nanos() > nanos && !o.owner().isEmpty()) {
        if (owners.isEmpty() || !owners.getLast().equals(o.owner())) {
          owners.add(o.owner());
        }
      }
    }
    return owners;
  }
}
