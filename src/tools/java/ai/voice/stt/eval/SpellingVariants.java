package ai.voice.stt.eval;

import java.util.Map;

/**
 * One spelling for words written two ways, as Whisper's English normaliser does with its list of
 * British and American spellings (the common ones here): "colour" and "color" are one word for WER,
 * as are "metres" and "meters", "ok" and "okay".
 */
final class SpellingVariants {
  private static final Map<String, String> AMERICAN =
      Map.ofEntries(
          Map.entry("colour", "color"),
          Map.entry("colours", "colors"),
          Map.entry("coloured", "colored"),
          Map.entry("favourite", "favorite"),
          Map.entry("favourites", "favorites"),
          Map.entry("neighbour", "neighbor"),
          Map.entry("neighbours", "neighbors"),
          Map.entry("neighbourhood", "neighborhood"),
          Map.entry("behaviour", "behavior"),
          Map.entry("flavour", "flavor"),
          Map.entry("honour", "honor"),
          Map.entry("humour", "humor"),
          Map.entry("labour", "labor"),
          Map.entry("rumour", "rumor"),
          Map.entry("harbour", "harbor"),
          Map.entry("centre", "center"),
          Map.entry("centres", "centers"),
          Map.entry("theatre", "theater"),
          Map.entry("theatres", "theaters"),
          Map.entry("metre", "meter"),
          Map.entry("metres", "meters"),
          Map.entry("kilometre", "kilometer"),
          Map.entry("kilometres", "kilometers"),
          Map.entry("centimetre", "centimeter"),
          Map.entry("centimetres", "centimeters"),
          Map.entry("millimetre", "millimeter"),
          Map.entry("millimetres", "millimeters"),
          Map.entry("litre", "liter"),
          Map.entry("litres", "liters"),
          Map.entry("tyre", "tire"),
          Map.entry("tyres", "tires"),
          Map.entry("organise", "organize"),
          Map.entry("organised", "organized"),
          Map.entry("realise", "realize"),
          Map.entry("realised", "realized"),
          Map.entry("recognise", "recognize"),
          Map.entry("recognised", "recognized"),
          Map.entry("apologise", "apologize"),
          Map.entry("analyse", "analyze"),
          Map.entry("travelling", "traveling"),
          Map.entry("travelled", "traveled"),
          Map.entry("traveller", "traveler"),
          Map.entry("cancelled", "canceled"),
          Map.entry("cancelling", "canceling"),
          Map.entry("labelled", "labeled"),
          Map.entry("modelling", "modeling"),
          Map.entry("grey", "gray"),
          Map.entry("programme", "program"),
          Map.entry("programmes", "programs"),
          Map.entry("jewellery", "jewelry"),
          Map.entry("aeroplane", "airplane"),
          Map.entry("catalogue", "catalog"),
          Map.entry("defence", "defense"),
          Map.entry("licence", "license"),
          Map.entry("offence", "offense"),
          Map.entry("pyjamas", "pajamas"),
          Map.entry("plough", "plow"),
          Map.entry("sceptical", "skeptical"),
          Map.entry("moustache", "mustache"),
          Map.entry("cosy", "cozy"),
          Map.entry("mould", "mold"),
          Map.entry("ageing", "aging"),
          Map.entry("enquiry", "inquiry"),
          Map.entry("practise", "practice"),
          Map.entry("fulfil", "fulfill"),
          Map.entry("enrol", "enroll"),
          Map.entry("storeys", "stories"),
          Map.entry("ok", "okay"),
          Map.entry("alright", "all right"));

  private SpellingVariants() {}

  /** The one spelling of {@code word} (possibly two words, as "all right"). */
  static String of(String word) {
    return AMERICAN.getOrDefault(word, word);
  }
}
