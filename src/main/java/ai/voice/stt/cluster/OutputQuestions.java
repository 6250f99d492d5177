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
    boolean publishing =
        inFlight.publishing(new String(question.getData(), StandardCharsets.UTF_8));
    connection.publish(
        question.getReplyTo(), (publishing ? PUBLISHING : "idle").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public DeadOwnerRecord.OwnerSays ask(String owner, String sessionId) {
    if (owner.isEmpty()) {
      return DeadOwnerRecord.OwnerSays.GONE;
    }
    CompletableFuture<Message> answer =
        connection.request(subject(owner), sessionId.getBytes(StandardCharsets.UTF_8));
    try {
      Message m = answer.get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      return PUBLISHING.equals(new String(m.getData(), StandardCharsets.UTF_8))
          ? DeadOwnerRecord.OwnerSays.MAY_STILL_PUBLISH
          : DeadOwnerRecord.OwnerSays.IDLE;
    } catch (TimeoutException e) {
      answer.cancel(true);
      return DeadOwnerRecord.OwnerSays.MAY_STILL_PUBLISH; // stalled, or its server is
    } catch (CancellationException e) {
      return DeadOwnerRecord.OwnerSays.GONE; // no responders: its connection is gone
    } catch (ExecutionException e) {
      return DeadOwnerRecord.OwnerSays.MAY_STILL_PUBLISH; // no answer it can tell anything from
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DeadOwnerRecord.OwnerSays.GONE;
    }
  }
}
