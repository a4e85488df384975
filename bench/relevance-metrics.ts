// The two measures `npm run eval:relevance` reports, over a ranked list of paper ids and the
// hand-graded judgements of one topic (grades 2 and 1; any paper not graded counts as 0).

/** nDCG@k with gains 2^grade − 1; the ideal order is every judged paper, best grade first. */
export function ndcgAt(k: number, ranked: readonly string[], grades: ReadonlyMap<string, number>): number {
  const dcg = (gains: number[]) => gains.slice(0, k).reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
  const ideal = dcg([...grades.values()].sort((a, b) => b - a));
  return ideal === 0 ? 0 : dcg(ranked.map((id) => grades.get(id) ?? 0)) / ideal;
}

/** Precision at k: the share of the first k papers graded 1 or 2 (a short list counts its gaps as misses). */
export function precisionAt(k: number, ranked: readonly string[], grades: ReadonlyMap<string, number>): number {
  return ranked.slice(0, k).filter((id) => (grades.get(id) ?? 0) > 0).length / k;
}

export const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
