package ai.voice.stt.bench;

import ai.voice.stt.eval.Corpus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A long run at a steady, sustainable load: N callers, each holding one conversation after another
 * (a fresh session each time) until the duration is up. Every window it samples the service's
 * resident memory and CPU and the final-result latency of the utterances completed in it, so drift
 * (a leak, a slowdown) shows as a trend across windows rather than hiding in one average.
 */
final class SoakRun {
  private final LoadRun load;
  private final ChildProcess service;
  private final List<Corpus.Recording> corpus;
  private final int utterancesPerConversation;
  private final double pause;

  SoakRun(
      LoadRun load,
      ChildProcess service,
      List<Corpus.Recording> corpus,
      int utterancesPerConversation,
      double pause) {
    this.load = load;
    this.service = service;
    this.corpus = corpus;
    this.utterancesPerConversation = utterancesPerConversation;
    this.pause = pause;
  }

  /** What one window of the soak saw. */
  record Window(
      int index,
      double endMinutes,
      int conversations,
      int utterances,
      Percentiles finalLatency,
      int errors,
      int lost,
      int incomplete,
      double rssMiB,
      double cpuPercent) {}

  private record Finished(long atNanos, LoadRun.SessionOutcome outcome) {}

  List<Window> run(int callers, Duration duration, Duration window) throws Exception {
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    AtomicLong conversationIds = new AtomicLong();
    List<Window> windows = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        int caller = c;
        long offset = (long) (caller * 1.3e9 / callers); // callers out of step, as in bench
        running.add(
            threads.submit(
                () -> {
                  LockSupport.parkNanos(offset);
                  while (System.nanoTime() < deadline) {
                    long n = conversationIds.getAndIncrement();
                    String id = "soak-" + caller + "-" + n;
                    LoadRun.SessionOutcome outcome =
                        load.converse(id, conversation(n), Duration.ofSeconds(120));
                    finished.add(new Finished(System.nanoTime(), outcome));
                  }
                  return null;
                }));
      }
      long windowStart = start;
      double cpuBefore = service.cpuSeconds();
      for (int index = 0; windowStart < deadline; index++) {
        long windowEnd = Math.min(deadline, windowStart + window.toNanos());
        LockSupport.parkNanos(windowEnd - System.nanoTime());
        double cpuNow = service.cpuSeconds();
        long from = windowStart;
        List<LoadRun.SessionOutcome> inWindow =
            finished.stream()
                .filter(f -> f.atNanos() >= from && f.atNanos() < windowEnd)
                .map(Finished::outcome)
                .toList();
        Window w =
            summarize(
                index,
                (windowEnd - start) / 6e10,
                inWindow,
                service.rssMiB(),
                100 * (cpuNow - cpuBefore) / ((windowEnd - windowStart) / 1e9));
        windows.add(w);
        print(w);
        cpuBefore = cpuNow;
        windowStart = windowEnd;
      }
      for (Future<?> f : running) {
        f.get(); // conversations still going at the deadline finish; counted in the drain row
      }
      List<LoadRun.SessionOutcome> drained =
          finished.stream().filter(f -> f.atNanos() >= deadline).map(Finished::outcome).toList();
      Window drain =
          summarize(
              windows.size(),
              (System.nanoTime() - start) / 6e10,
              drained,
              service.rssMiB(),
              Double.NaN);
      System.out.printf(
          "drain (conversations finishing after the deadline): %d conversations, errors %d, lost"
              + " %d%n",
          drain.conversations(), drain.errors(), drain.lost());
      windows.add(drain);
    }
    return windows;
  }

  private Conversation conversation(long n) {
    List<Corpus.Recording> picks = new ArrayList<>();
    for (int u = 0; u < utterancesPerConversation; u++) {
      picks.add(corpus.get((int) ((n * utterancesPerConversation + u) % corpus.size())));
    }
    return Conversation.of(picks, 0.5, pause, 1.5);
  }

  private static Window summarize(
      int index,
      double endMinutes,
      List<LoadRun.SessionOutcome> outcomes,
      double rss,
      double cpuPercent) {
    List<Double> latencies =
        outcomes.stream()
            .flatMap(o -> o.utterances().stream())
            .map(LoadRun.UtteranceMeasure::finalLatency)
            .toList();
    return new Window(
        index,
        endMinutes,
        outcomes.size(),
        latencies.size(),
        Percentiles.of(latencies),
        outcomes.stream().mapToInt(LoadRun.SessionOutcome::errors).sum(),
        outcomes.stream().mapToInt(LoadRun.SessionOutcome::lostUtterances).sum(),
        (int) outcomes.stream().filter(o -> !o.complete()).count(),
        rss,
        cpuPercent);
  }

  private static void print(Window w) {
    System.out.printf(
        "window %2d (to %5.1f min): %3d conversations, %4d utterances, final p50/p95 %.2f/%.2f s,"
            + " errors %d, lost %d, incomplete %d, RSS %.0f MiB, CPU %.0f%%%n",
        w.index(),
        w.endMinutes(),
        w.conversations(),
        w.utterances(),
        w.finalLatency().p50(),
        w.finalLatency().p95(),
        w.errors(),
        w.lost(),
        w.incomplete(),
        w.rssMiB(),
        w.cpuPercent());
  }

  /** Least-squares slope of y over x (per unit of x); NaN with fewer than two points. */
  static double slope(List<Double> x, List<Double> y) {
    int n = x.size();
    if (n < 2) {
      return Double.NaN;
    }
    double mx = x.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double my = y.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      num += (x.get(i) - mx) * (y.get(i) - my);
      den += (x.get(i) - mx) * (x.get(i) - mx);
    }
    return den == 0 ? Double.NaN : num / den;
  }
}
