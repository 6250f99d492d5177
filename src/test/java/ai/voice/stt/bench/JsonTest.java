package ai.voice.stt.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void aReportReadsBackAsWrittenAndANonNumberBecomesNull() throws Exception {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("machine", "2 vCPU \"EPYC\"\n");
    report.put("p50", 0.5731);
    report.put("mean_wer", Double.NaN);
    report.put("levels", List.of(Map.of("sessions", 8), Map.of("sessions", 1)));
    JsonNode back = new ObjectMapper().readTree(Json.write(report));
    assertEquals("2 vCPU \"EPYC\"\n", back.get("machine").asText());
    assertEquals(0.5731, back.get("p50").asDouble());
    assertEquals(true, back.get("mean_wer").isNull());
    assertEquals(8, back.get("levels").get(0).get("sessions").asInt());
  }
}
