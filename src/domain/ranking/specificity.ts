// How much a word says what a paper is about, from how the corpus uses it. A word that names a
// subject ("pruning", "diffusion") recurs within the papers that use it and stands in their titles;
// a word any paper may use once ("making", "faster", "best") does neither. Within a natural query
// such words still count, but less than their rarity alone would make them.

// Evidence per paper: a repeat of the word beyond its first use, or its use in the title (TITLE each).
const TITLE = 2;
// Rare words say little either way: they are smoothed towards PRIOR as if seen in SMOOTHING more papers.
const PRIOR = 1;
const SMOOTHING = 5;
// The evidence per paper at which a word counts fully, and the least share a word keeps.
const FULL = 2;
const LEAST = 0.2;

/** From LEAST to 1: how topical a word is, given the papers with it (df), its occurrences (cf) and the papers with it in the title. */
export function topicality(df: number, cf: number, titleDf: number): number {
  const evidence = (cf - df + TITLE * titleDf + PRIOR * SMOOTHING) / (df + SMOOTHING);
  return Math.max(LEAST, Math.min(1, evidence / FULL));
}
