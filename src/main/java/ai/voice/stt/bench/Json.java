package ai.voice.stt.bench;

import java.util.List;
import java.util.Map;

/** Writes maps, lists, strings, numbers and booleans as JSON; enough for benchmark reports. */
final class Json {
  private Json() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, 0);
    return out.append('\n').toString();
  }

  private static void write(StringBuilder out, Object value, int indent) {
    switch (value) {
      case null -> out.append("null");
      case String s -> quote(out, s);
      case Double d -> out.append(Double.isFinite(d) ? String.format("%.4f", d) : "null");
      case Number n -> out.append(n);
      case Boolean b -> out.append(b);
      case Map<?, ?> map -> {
        out.append("{");
        String sep = "\n";
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.append(sep).append("  ".repeat(indent + 1));
          quote(out, e.getKey().toString());
          out.append(": ");
          write(out, e.getValue(), indent + 1);
          sep = ",\n";
        }
        out.append("\n").append("  ".repeat(indent)).append("}");
      }
      case List<?> list -> {
        out.append("[");
        String sep = "";
        for (Object item : list) {
          out.append(sep);
          write(out, item, indent + 1);
          sep = ", ";
        }
        out.append("]");
      }
      default -> quote(out, value.toString());
    }
  }

  private static void quote(StringBuilder out, String s) {
    out.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
