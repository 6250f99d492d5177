package ai.voice.stt.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SoakRunTest {

  @Test
  void soakDurationsReadLikeOperatorsWriteThem() {
    assertEquals(Duration.ofMinutes(10), BenchCommand.parseDuration("--soak", "10m"));
    assertEquals(Duration.ofSeconds(90), BenchCommand.parseDuration("--soak", "90s"));
    assertEquals(Duration.ofMinutes(90), BenchCommand.parseDuration("--soak", "1h30m"));
    assertEquals(Duration.ofSeconds(600), BenchCommand.parseDuration("--soak", "600"));
    assertThrows(
        CommandLine.ParameterException.class, () -> BenchCommand.parseDuration("--soak", "soon"));
  }

  @Test
  void theTrendIsTheLeastSquaresSlope() {
    List<Double> minutes = List.of(1.0, 2.0, 3.0, 4.0);
    assertEquals(2.0, SoakRun.slope(minutes, List.of(10.0, 12.0, 14.0, 16.0)), 1e-9);
    assertEquals(0.0, SoakRun.slope(minutes, List.of(5.0, 5.0, 5.0, 5.0)), 1e-9);
    assertTrue(Double.isNaN(SoakRun.slope(List.of(1.0), List.of(1.0))));
  }
}
