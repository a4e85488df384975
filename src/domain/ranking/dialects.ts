/**
 * British spellings in their American form, so that a paper and a query meet whichever way each
 * spells a word: "quantisation" is "quantization", "behaviour" "behavior", "centre" "center".
 * Applied to every word of the index and of the query before stemming (analyse.ts, term()), so
 * that a rule which also rewrites a word that has no other spelling ("compromise" → "compromize")
 * rewrites it on both sides alike and changes nothing. Doubled consonants ("modelling",
 * "labelled") need no rule: the stemmer already meets them ("model", "label").
 */

// -ise, -isation, -iser … → -ize …: "optimise", "quantisation", "normalised", "characterising".
// At least three letters before: "rise", "wise", "noise" are left alone (they would be harmless).
const IZE = /^([a-z]{3,})is(e|es|ed|ing|er|ers|ation|ations|ational|able)$/;
// -yse → -yze: "analyse", "analysing", "catalysed", "paralyse" ("analysis" is the same in both).
const YZE = /^([a-z]{2,})ys(e|es|ed|ing|er|ers)$/;
// -our → -or: "behaviour", "colours", "favourable", "neighbouring", "behavioural".
const OR = /^([a-z]{3,})our(s|ed|ing|al|ally|ite|ites|able|ably|er|ers|ful|less)?$/;
// -re → -er, for the words that have both forms: "centre", "fibres", "millimetre", "centred".
const ER = /^([a-z]*(?:cent|fib|met|lit|theat|calib|spect|lust|sab|somb|meag|scept))re(s|d)?$/;
// Greek and Latin ae and oe: "haemorrhage", "anaemia", "paediatric", "oesophagus", "foetal".
const AE_OE: readonly [RegExp, string][] = [
  [/^(an|h|leuk|isch|septic)aem/, '$1em'],
  [/^paed/, 'ped'],
  [/^(orthop|encyclop)aed/, '$1ed'],
  [/^oesoph/, 'esoph'],
  [/^oestr/, 'estr'],
  [/^foet/, 'fet'],
  [/^manoeuvr/, 'maneuver'],
];
// Words with a spelling of their own. A Map: the key is text from a paper ("constructor").
const WORDS: ReadonlyMap<string, string> = new Map([
  ['defence', 'defense'],
  ['defences', 'defenses'],
  ['offence', 'offense'],
  ['offences', 'offenses'],
  ['licence', 'license'],
  ['licences', 'licenses'],
  ['pretence', 'pretense'],
  ['catalogue', 'catalog'],
  ['catalogues', 'catalogs'],
  ['dialogue', 'dialog'],
  ['dialogues', 'dialogs'],
  ['analogue', 'analog'],
  ['analogues', 'analogs'],
  ['grey', 'gray'],
  ['greyscale', 'grayscale'],
  ['programme', 'program'],
  ['programmes', 'programs'],
  ['aluminium', 'aluminum'],
  ['sceptic', 'skeptic'],
  ['sceptical', 'skeptical'],
  ['scepticism', 'skepticism'],
  ['mould', 'mold'],
  ['moulds', 'molds'],
  ['plough', 'plow'],
  ['judgement', 'judgment'],
  ['judgements', 'judgments'],
  ['acknowledgement', 'acknowledgment'],
  ['acknowledgements', 'acknowledgments'],
  ['ageing', 'aging'],
  ['artefact', 'artifact'],
  ['artefacts', 'artifacts'],
  ['practise', 'practice'],
  ['practised', 'practiced'],
  ['practising', 'practicing'],
  ['whilst', 'while'],
  ['amongst', 'among'],
]);

/** The American spelling of a lowercase word; the word itself when it has none. */
export function americanSpelling(word: string): string {
  const listed = WORDS.get(word);
  if (listed !== undefined) return listed;
  let m = IZE.exec(word);
  if (m) return `${m[1]}iz${m[2]}`;
  m = YZE.exec(word);
  if (m) return `${m[1]}yz${m[2]}`;
  m = OR.exec(word);
  if (m) return `${m[1]}or${m[2] ?? ''}`;
  m = ER.exec(word);
  if (m) return `${m[1]}er${m[2] === 'd' ? 'ed' : (m[2] ?? '')}`;
  for (const [pattern, replacement] of AE_OE) if (pattern.test(word)) return word.replace(pattern, replacement);
  return word;
}
