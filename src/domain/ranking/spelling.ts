/**
 * "Did you mean …": a typed word that no paper uses, close to a word that many do, was most likely
 * mistyped ("nueral" for neural, "serch" for search). Pure: the ranker hands in the corpus's words
 * and how many papers use each.
 */

/** A word of a query that no paper has, and the word of the papers it was taken for. */
export interface Correction {
  typed: string;
  suggestion: string;
}

/**
 * The edits a typed word may be away from the word meant: one for a short word, two from six
 * letters on. Words under four letters are left alone: too many words are one edit from them.
 */
export function editsAllowed(word: string): number {
  if (word.length < 4) return 0;
  return word.length < 6 ? 1 : 2;
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment: "nueral" is one edit from
 * "neural"), or `max + 1` as soon as it must exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let least = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (before[j - 2] as number) + 1);
      current[j] = d;
      least = Math.min(least, d);
    }
    if (least > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] as number;
}

/**
 * The word a typed word (lowercase) was most likely meant to be: among `words` (each with the
 * number of papers that use it) that at least `minPapers` papers use, the nearest within
 * editsAllowed(typed); of equally near ones the most used, then the first alphabetically.
 * Undefined when none is near enough.
 */
export function suggestion(
  typed: string,
  words: Iterable<readonly [string, number]>,
  minPapers: number,
): string | undefined {
  const max = editsAllowed(typed);
  if (max === 0) return undefined;
  let best: { word: string; distance: number; papers: number } | undefined;
  for (const [word, papers] of words) {
    if (papers < minPapers || word === typed || Math.abs(word.length - typed.length) > max) continue;
    const distance = editDistance(typed, word, best ? Math.min(max, best.distance) : max);
    if (distance > max) continue;
    if (
      !best ||
      distance < best.distance ||
      (distance === best.distance && (papers > best.papers || (papers === best.papers && word < best.word)))
    ) {
      best = { word, distance, papers };
    }
  }
  return best?.word;
}
