package ai.voice.stt.eval;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Text as WER compares it, after the rules of Whisper's {@code EnglishTextNormalizer}, applied
 * alike to the reference and the hypothesis: lower case, no accents or punctuation, nothing in
 * brackets ("[BLANK_AUDIO]", "(music)"), no hesitations ("um", "uh"), contractions written out
 * ("won't" is "will not", "it's" "it is"), abbreviated titles spelled out ("Dr." is "doctor"), one
 * spelling for British and American words ({@link SpellingVariants}), and numbers as digits ({@link
 * SpokenNumbers}: "fifteen" and "15" are one word, "$45" is "45 dollars", "40%" "40 percent",
 * "1,200" "1200").
 */
public final class EnglishTextNormalizer {
  private static final Pattern BRACKETED = Pattern.compile("[<\\[][^>\\]]*[>\\]]|\\([^)]*\\)");
  private static final Pattern APOSTROPHES = Pattern.compile("[’‘`´]");
  private static final Pattern THOUSANDS = Pattern.compile("(\\d),(\\d{3})(?!\\d)");
  private static final Pattern DECIMAL = Pattern.compile("(\\d)\\.(\\d)");
  private static final Pattern PERCENT = Pattern.compile("(\\d)\\s*%");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern NOT_WORD = Pattern.compile("[^a-z0-9 ]+");
  private static final Set<String> HESITATIONS = Set.of("hmm", "mm", "mhm", "mmm", "uh", "um");

  // Whisper's replacements, in its order: whole words first, then the endings that remain.
  private static final Map<Pattern, String> CONTRACTIONS = new LinkedHashMap<>();

  static {
    String[][] rules = {
      {"\\bwon't\\b", "will not"},
      {"\\bcan't\\b", "can not"},
      {"\\bcannot\\b", "can not"},
      {"\\blet's\\b", "let us"},
      {"\\bain't\\b", "aint"},
      {"\\by'all\\b", "you all"},
      {"\\bwanna\\b", "want to"},
      {"\\bgotta\\b", "got to"},
      {"\\bgonna\\b", "going to"},
      {"\\bi'ma\\b", "i am going to"},
      {"\\bimma\\b", "i am going to"},
      {"\\bwoulda\\b", "would have"},
      {"\\bcoulda\\b", "could have"},
      {"\\bshoulda\\b", "should have"},
      {"\\bma'am\\b", "madam"},
      {"\\bmr\\b", "mister "},
      {"\\bmrs\\b", "missus "},
      {"\\bst\\b", "saint "},
      {"\\bdr\\b", "doctor "},
      {"\\bprof\\b", "professor "},
      {"\\bcapt\\b", "captain "},
      {"\\bgov\\b", "governor "},
      {"\\bald\\b", "alderman "},
      {"\\bgen\\b", "general "},
      {"\\bsen\\b", "senator "},
      {"\\brep\\b", "representative "},
      {"\\bpres\\b", "president "},
      {"\\brev\\b", "reverend "},
      {"\\bhon\\b", "honorable "},
      {"\\basst\\b", "assistant "},
      {"\\bassoc\\b", "associate "},
      {"\\blt\\b", "lieutenant "},
      {"\\bcol\\b", "colonel "},
      {"\\bjr\\b", "junior "},
      {"\\bsr\\b", "senior "},
      {"\\besq\\b", "esquire "},
      {"'d been\\b", " had been"},
      {"'s been\\b", " has been"},
      {"'d gone\\b", " had gone"},
      {"'s gone\\b", " has gone"},
      {"'d done\\b", " had done"},
      {"'s got\\b", " has got"},
      {"n't\\b", " not"},
      {"'re\\b", " are"},
      {"'s\\b", " is"},
      {"'d\\b", " would"},
      {"'ll\\b", " will"},
      {"'t\\b", " not"},
      {"'ve\\b", " have"},
      {"'m\\b", " am"},
    };
    for (String[] rule : rules) {
      CONTRACTIONS.put(Pattern.compile(rule[0]), rule[1]);
    }
  }

  private EnglishTextNormalizer() {}

  /** The words of {@code text} as WER counts them. */
  public static List<String> words(String text) {
    String s =
        Normalizer.normalize(APOSTROPHES.matcher(text).replaceAll("'"), Normalizer.Form.NFKD)
            .replaceAll("\\p{M}", "")
            .toLowerCase(Locale.ROOT);
    s = BRACKETED.matcher(s).replaceAll(" ");
    for (Map.Entry<Pattern, String> rule : CONTRACTIONS.entrySet()) {
      s = rule.getKey().matcher(s).replaceAll(rule.getValue());
    }
    s = currency(s);
    s = PERCENT.matcher(s).replaceAll("$1 percent ");
    String before;
    do {
      before = s;
      s = THOUSANDS.matcher(s).replaceAll("$1$2");
    } while (!s.equals(before));
    s = DECIMAL.matcher(s).replaceAll("$1 point $2");
    s = s.replace("'", ""); // what is left: "o'clock", plural possessives
    s = NOT_WORD.matcher(s).replaceAll(" ").strip();
    if (s.isEmpty()) {
      return List.of();
    }
    List<String> words = new ArrayList<>();
    for (String w : SPACES.split(s)) {
      if (!HESITATIONS.contains(w)) {
        words.addAll(Arrays.asList(SPACES.split(SpellingVariants.of(w))));
      }
    }
    return SpokenNumbers.toDigits(words);
  }

  /** "$45" is "45 dollars", "€1,200" "1,200 euros", "£3" "3 pounds". */
  private static String currency(String s) {
    s = s.replaceAll("\\$\\s?(\\d[\\d,]*(?:\\.\\d+)?)", "$1 dollars ");
    s = s.replaceAll("€\\s?(\\d[\\d,]*(?:\\.\\d+)?)", "$1 euros ");
    return s.replaceAll("£\\s?(\\d[\\d,]*(?:\\.\\d+)?)", "$1 pounds ");
  }
}
