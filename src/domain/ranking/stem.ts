/**
 * The Porter (1980) stemmer, so that "pruning", "pruned" and "prune", or "quantization" and
 * "quantized", meet on one stem. Input is one lowercase word.
 */

// Words whose Porter stem would merge them with unrelated words in ML text: "transformer" is a
// model family, not "transformation"; "attention" is not "attentive"; an "adapter" is a module,
// not "adaptation"; "general", "generalization", "generative" and "generic" are not "generate"
// (Porter gives "gener" for all of them); "university" is not "universal".
// Keyed by the word after Step 1 (plural, -ed, -ing, y → i), so that every inflection of a
// protected word is protected with it: "generalized" and "generalizations" as "generalization".
// A Map, not an object: a paper's word may be "constructor" or "__proto__".
const PROTECTED: ReadonlyMap<string, string> = new Map([
  ['transformer', 'transformer'],
  ['attention', 'attention'],
  ['generative', 'generative'],
  ['general', 'general'],
  ['generalli', 'general'],
  ['generaliti', 'general'],
  ['generic', 'generic'],
  ['generalize', 'generaliz'],
  ['generalization', 'generaliz'],
  // The British forms of the same words ("generalised" and "generalising" end Step 1 as "generalis").
  ['generalise', 'generaliz'],
  ['generalis', 'generaliz'],
  ['generalisation', 'generaliz'],
  ['universiti', 'university'],
  ['adapter', 'adapter'],
]);

const isVowelAt = (w: string, i: number): boolean => {
  const c = w[i];
  if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return true;
  return c === 'y' && i > 0 && !isVowelAt(w, i - 1);
};

/** m in Porter's [C](VC)^m[V]: how many vowel-consonant sequences the stem has. */
function measure(w: string): number {
  let m = 0;
  let i = 0;
  while (i < w.length && !isVowelAt(w, i)) i++;
  while (i < w.length) {
    while (i < w.length && isVowelAt(w, i)) i++;
    if (i >= w.length) break;
    m++;
    while (i < w.length && !isVowelAt(w, i)) i++;
  }
  return m;
}

const hasVowel = (w: string) => [...w].some((_, i) => isVowelAt(w, i));
const doubleConsonant = (w: string) => w.length >= 2 && w.at(-1) === w.at(-2) && !isVowelAt(w, w.length - 1);
/** Ends consonant-vowel-consonant, the last not w, x or y (e.g. "hop", not "snow"). */
function cvc(w: string): boolean {
  const n = w.length;
  if (n < 3) return false;
  if (isVowelAt(w, n - 1) || !isVowelAt(w, n - 2) || isVowelAt(w, n - 3)) return false;
  return !'wxy'.includes(w[n - 1] as string);
}

/** Replaces the first matching suffix when the rest has measure > `min`. */
function replaceSuffix(w: string, rules: readonly (readonly [string, string])[], min: number): string {
  for (const [suffix, replacement] of rules) {
    if (w.endsWith(suffix)) {
      const stem = w.slice(0, -suffix.length);
      return measure(stem) > min ? stem + replacement : w;
    }
  }
  return w;
}

const STEP2: readonly (readonly [string, string])[] = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['bli', 'ble'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['logi', 'log'],
];
const STEP3: readonly (readonly [string, string])[] = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
];
const STEP4 = [
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ion',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
];

/**
 * Porter's algorithm as his reference implementation has it (which replaced the paper's ABLI → ABLE
 * by BLI → BLE and added LOGI → LOG), except for the protected words above. A word of one or two
 * letters, or with anything but a to z in it ("resnet50"), is returned as it is.
 */
export function porterStem(word: string): string {
  if (word.length <= 2 || /[^a-z]/.test(word)) return word;
  let w = word;
  // Step 1a: plurals.
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  // Step 1b: -ed, -ing.
  let extra = false;
  if (w.endsWith('eed')) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && hasVowel(w.slice(0, -2))) {
    w = w.slice(0, -2);
    extra = true;
  } else if (w.endsWith('ing') && hasVowel(w.slice(0, -3))) {
    w = w.slice(0, -3);
    extra = true;
  }
  if (extra) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
    else if (doubleConsonant(w) && !'lsz'.includes(w.at(-1) as string)) w = w.slice(0, -1);
    else if (measure(w) === 1 && cvc(w)) w += 'e';
  }
  // Step 1c: y → i after a vowel-bearing stem.
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;
  const kept = PROTECTED.get(w);
  if (kept) return kept;
  w = replaceSuffix(w, STEP2, 0);
  w = replaceSuffix(w, STEP3, 0);
  // Step 4: drop a derivational suffix from a long enough stem.
  for (const suffix of STEP4) {
    if (!w.endsWith(suffix)) continue;
    const stem = w.slice(0, -suffix.length);
    if (measure(stem) > 1 && (suffix !== 'ion' || stem.endsWith('s') || stem.endsWith('t'))) w = stem;
    break;
  }
  // Step 5: final -e and -ll.
  if (w.endsWith('e')) {
    const stem = w.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !cvc(stem))) w = stem;
  }
  if (measure(w) > 1 && doubleConsonant(w) && w.endsWith('l')) w = w.slice(0, -1);
  return w;
}
