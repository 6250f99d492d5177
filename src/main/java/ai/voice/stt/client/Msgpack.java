package ai.voice.stt.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

/** Plain Java maps to and from msgpack, the way client libraries in other languages do it. */
public final class Msgpack {
  private Msgpack() {}

  public static byte[] pack(Map<String, ?> map) {
    try (MessageBufferPacker out = MessagePack.newDefaultBufferPacker()) {
      write(out, map);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(MessagePacker out, Object value) throws IOException {
    switch (value) {
      case null -> out.packNil();
      case String s -> out.packString(s);
      case Integer i -> out.packInt(i);
      case Long l -> out.packLong(l);
      case Double d -> out.packDouble(d);
      case Boolean b -> out.packBoolean(b);
      case byte[] bytes -> out.packBinaryHeader(bytes.length).writePayload(bytes);
      case Map<?, ?> map -> {
        out.packMapHeader(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
          write(out, e.getKey());
          write(out, e.getValue());
        }
      }
      case List<?> list -> {
        out.packArrayHeader(list.size());
        for (Object item : list) {
          write(out, item);
        }
      }
      default -> throw new IllegalArgumentException("cannot pack " + value.getClass());
    }
  }

  /** Decodes a map; nested maps and arrays become Java maps and lists. */
  public static Map<String, Object> unpackMap(byte[] bytes) {
    try (MessageUnpacker in = MessagePack.newDefaultUnpacker(bytes)) {
      Object value = toJava(in.unpackValue());
      if (!(value instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("not a msgpack map");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) value;
      return map;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object toJava(Value value) {
    return switch (value.getValueType()) {
      case NIL -> null;
      case BOOLEAN -> value.asBooleanValue().getBoolean();
      case INTEGER -> value.asIntegerValue().toLong();
      case FLOAT -> value.asFloatValue().toDouble();
      case STRING -> value.asStringValue().asString();
      case BINARY -> value.asBinaryValue().asByteArray();
      case ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (Value item : value.asArrayValue()) {
          list.add(toJava(item));
        }
        yield list;
      }
      case MAP -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<Value, Value> e : value.asMapValue().entrySet()) {
          map.put(e.getKey().toString(), toJava(e.getValue()));
        }
        yield map;
      }
      case EXTENSION -> value.toString();
    };
  }
}
