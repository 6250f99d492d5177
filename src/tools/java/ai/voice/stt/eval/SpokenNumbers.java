package ai.voice.stt.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers said in words written as digits, as Whisper's {@code EnglishNumberNormalizer} does it for
 * WER: "two thousand and five" becomes "2005", "twenty first" "21st", "one hundred and twenty"
 * "120", "twelve hundred" "1200". Then neighbouring digit groups join into one token, so that a
 * number read out in pieces compares equal however it was written: "five five five zero one nine
 * two", "555 0192" and "5550192" all become "5550192"; "six thirty" and "6:30" become "630";
 * "nineteen eighty seven" becomes "1987".
 *
 * <p>Input: lower-case words without punctuation, digits possibly with an ordinal suffix.
 */
final class SpokenNumbers {
  private static final Map<String, Integer> ONES =
      valued(
          1,
          "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
              + " fifteen sixteen seventeen eighteen nineteen");
  private static final Map<String, Integer> ONES_ORDINAL =
      valued(
          1,
          "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh"
              + " twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth"
              + " nineteenth");
  // Places 0 and 1 are skipped ("-"): "twenty" is place 2, so 2 × 10.
  private static final Map<String, Integer> TENS =
      valued(10, "- - twenty thirty forty fifty sixty seventy eighty ninety");
  private static final Map<String, Integer> TENS_ORDINAL =
      valued(
          10, "- - twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth");
  private static final Map<String, Long> MULTIPLIERS =
      Map.of("thousand", 1_000L, "million", 1_000_000L, "billion", 1_000_000_000L);
  private static final Map<String, Long> MULTIPLIERS_ORDINAL =
      Map.of("thousandth", 1_000L, "millionth", 1_000_000L, "billionth", 1_000_000_000L);

  private SpokenNumbers() {}

  /**
   * Each word of {@code words} (space-separated; "-" skips a place) to its place × {@code step}.
   */
  private static Map<String, Integer> valued(int step, String words) {
    String[] names = words.split(" ");
    Map<String, Integer> values = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      if (!names[i].equals("-")) {
        values.put(names[i], i * step);
      }
    }
    return Map.copyOf(values);
  }

  /** What the last word of a number being read was. */
  private enum Last {
    NONE,
    ONES,
    TENS,
    HUNDRED,
    MULTIPLIER,
    DIGITS
  }

  static List<String> toDigits(List<String> words) {
    List<String> out = new ArrayList<>();
    Reader reader = new Reader(out);
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      String next = i + 1 < words.size() ? words.get(i + 1) : "";
      reader.read(w, next);
    }
    reader.flush("");
    return joinDigitGroups(out);
  }

  /** Neighbouring plain digit tokens as one: "555 0192" is "5550192". */
  private static List<String> joinDigitGroups(List<String> tokens) {
    List<String> out = new ArrayList<>();
    for (String t : tokens) {
      if (isDigits(t) && !out.isEmpty() && isDigits(out.getLast())) {
        out.set(out.size() - 1, out.getLast() + t);
      } else {
        out.add(t);
      }
    }
    return out;
  }

  private static boolean isDigits(String t) {
    return !t.isEmpty() && t.chars().allMatch(Character::isDigit);
  }

  /** The number being read: {@code total} of completed thousands, {@code current} below them. */
  private static final class Reader {
    private final List<String> out;
    private long total;
    private long current;
    private Last last = Last.NONE;

    Reader(List<String> out) {
      this.out = out;
    }

    void read(String w, String next) {
      if (ONES.containsKey(w)) {
        int v = ONES.get(w);
        if (last == Last.TENS && v < 10) {
          current += v;
          last = Last.ONES;
          return;
        }
        if (last == Last.ONES || last == Last.TENS || last == Last.DIGITS) {
          flush(""); // "five five", "twenty nineteen": separate numbers, joined as digits later
        }
        current += v;
        last = Last.ONES;
      } else if (TENS.containsKey(w)) {
        if (last == Last.ONES || last == Last.TENS || last == Last.DIGITS) {
          flush(""); // "nineteen eighty"
        }
        current += TENS.get(w);
        last = Last.TENS;
      } else if (w.equals("hundred")) {
        if (last == Last.HUNDRED) {
          flush("");
        }
        current = Math.max(current, 1) * 100;
        last = Last.HUNDRED;
      } else if (MULTIPLIERS.containsKey(w)) {
        if (last == Last.NONE) {
          current = 1;
        }
        total += Math.max(current, 1) * MULTIPLIERS.get(w);
        current = 0;
        last = Last.MULTIPLIER;
      } else if (w.equals("and")
          && (last == Last.HUNDRED || last == Last.MULTIPLIER)
          && (ONES.containsKey(next) || TENS.containsKey(next) || ONES_ORDINAL.containsKey(next))) {
        // "two thousand and five": the "and" belongs to the number
      } else if (ONES_ORDINAL.containsKey(w) || TENS_ORDINAL.containsKey(w)) {
        int v = ONES_ORDINAL.containsKey(w) ? ONES_ORDINAL.get(w) : TENS_ORDINAL.get(w);
        boolean continues = last == Last.TENS && v < 10 || last == Last.HUNDRED;
        continues |= last == Last.MULTIPLIER;
        if (!continues && last != Last.NONE) {
          flush("");
        }
        current += v;
        last = Last.ONES;
        flush(suffix(total + current));
      } else if (w.equals("hundredth") || MULTIPLIERS_ORDINAL.containsKey(w)) {
        long m = w.equals("hundredth") ? 100 : MULTIPLIERS_ORDINAL.get(w);
        current = Math.max(current, 1) * m;
        last = Last.ONES;
        flush("th");
      } else if (isDigits(w) && w.length() <= 12) {
        long v = Long.parseLong(w);
        if (last != Last.NONE) {
          flush("");
        }
        if (w.startsWith("0") && w.length() > 1) {
          out.add(w); // a code or phone number keeps its leading zero
          return;
        }
        current = v;
        last = Last.DIGITS;
      } else {
        flush("");
        out.add(w);
      }
    }

    void flush(String suffix) {
      if (last != Last.NONE) {
        out.add((total + current) + suffix);
      }
      total = 0;
      current = 0;
      last = Last.NONE;
    }

    private static String suffix(long n) {
      if (n % 100 >= 11 && n % 100 <= 13) {
        return "th";
      }
      return switch ((int) (n % 10)) {
        case 1 -> "st";
        case 2 -> "nd";
        case 3 -> "rd";
        default -> "th";
      };
    }
  }
}
