package ai.voice.stt.cluster;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Between replicas, one question: "may you still publish an output of this session?", asked by a
 * replica taking a session whose last committed output is missing from the results stream, before
 * it produces that output again (docs/decisions/0012-replicas.md, "Nothing delivered late"). Each
 * replica answers on its own subject from {@link OutputsInFlight}; no responders means its
 * connection is gone, and what it held with it.
 */
final class OutputQuestions implements DeadOwnerRecord.OwnerProbe {
  private static final Duration ANSWER_WITHIN = Duration.ofMillis(500);
  private static final String PUBLISHING = "publishing";
  private static final String IDLE = "idle";

  private final Connection connection;
  private final String stream;
  private final OutputsInFlight inFlight = new OutputsInFlight();

  /** Answers for {@code replicaId} on {@code dispatcher} from now on. */
  OutputQuestions(Connection connection, String stream, String replicaId, Dispatcher dispatcher) {
    this.connection = connection;
    this.stream = stream;
    dispatcher.subscribe(subject(replicaId), this::answer);
  }

  /** This replica's outputs on their way out, which the answers tell of. */
  OutputsInFlight inFlight() {
    return inFlight;
  }

  private String subject(String replica) {
    return "_STT.replica." + stream + "." + replica;
  }

  private void answer(Message question) {
    String sessionId = new String(question.getData(), StandardCharsets.UTF_8);
    String says = inFlight.publishing(sessionId) ? PUBLISHING : IDLE;
    connection.publish(
        question.getReplyTo(),
        (says + " " + inFlight.lastPublished(sessionId)).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public DeadOwnerRecord.OwnerAnswer ask(String owner, String sessionId) {
    if (owner.isEmpty()) {
      return DeadOwnerRecord.OwnerAnswer.of(DeadOwnerRecord.OwnerSays.GONE);
    }
    CompletableFuture<Message> answer =
        connection.request(subject(owner), sessionId.getBytes(StandardCharsets.UTF_8));
    try {
      Message m = answer.get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      return parse(new String(m.getData(), StandardCharsets.UTF_8));
    } catch (TimeoutException e) {
      answer.cancel(true);
      return mayStillPublish(); // stalled, or its server is
    } catch (CancellationException e) {
      // no responders: its connection is gone
      return DeadOwnerRecord.OwnerAnswer.of(DeadOwnerRecord.OwnerSays.GONE);
    } catch (ExecutionException e) {
      return mayStillPublish(); // no answer it can tell anything from
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DeadOwnerRecord.OwnerAnswer.of(DeadOwnerRecord.OwnerSays.GONE);
    }
  }

  private static DeadOwnerRecord.OwnerAnswer mayStillPublish() {
    return DeadOwnerRecord.OwnerAnswer.of(DeadOwnerRecord.OwnerSays.MAY_STILL_PUBLISH);
  }

  /** "publishing N" or "idle N": N the last output the owner got confirmed. */
  static DeadOwnerRecord.OwnerAnswer parse(String answer) {
    String[] parts = answer.trim().split(" ");
    DeadOwnerRecord.OwnerSays says =
        PUBLISHING.equals(parts[0])
            ? DeadOwnerRecord.OwnerSays.MAY_STILL_PUBLISH
            : DeadOwnerRecord.OwnerSays.IDLE;
    long published = 0;
    if (parts.length > 1) {
      try {
        published = Long.parseLong(parts[1]);
      } catch (NumberFormatException e) {
        published = 0; // an older replica's answer: no number
      }
    }
    return new DeadOwnerRecord.OwnerAnswer(says, published);
  }
}
