// Small helpers of the ranker: ordering, top-k, popularity, tidy explanations.

/** The first `k` items in `cmp` order, without sorting them all when k is small. */
export function topK<T>(items: ArrayLike<T>, k: number, cmp: (a: T, b: T) => number): T[] {
  if (k >= items.length / 4) return Array.from(items).sort(cmp).slice(0, k);
  const kept: T[] = [];
  for (let x = 0; x < items.length; x++) {
    const item = items[x] as T;
    if (kept.length === k && cmp(item, kept[k - 1] as T) >= 0) continue;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(kept[mid] as T, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    kept.splice(lo, 0, item);
    if (kept.length > k) kept.pop();
  }
  return kept;
}

// Code-unit order: stable across machines, and far cheaper than localeCompare in a sort of thousands.
export const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** "NAS (as neural architecture search)" says nothing more when "neural architecture search" matched too. */
export function tidy(matched: readonly string[]): string[] {
  const plain = new Set(matched.filter((m) => !m.endsWith(')')).map((m) => m.toLowerCase()));
  return matched.filter((m) => {
    const via = / \(as (.+)\)$/.exec(m)?.[1];
    return via === undefined || !plain.has(via.toLowerCase());
  });
}

/** Mixes log-scaled upvotes into the scores (by paper), only among papers that matched and only when some have upvotes. */
export function blendPopularity(found: ArrayLike<number>, scores: Float64Array, weight: number, upvotes: (i: number) => number | undefined): void {
  let most = 0;
  for (let k = 0; k < found.length; k++) most = Math.max(most, upvotes(found[k] as number) ?? 0);
  if (most <= 0) return;
  for (let k = 0; k < found.length; k++) {
    const i = found[k] as number;
    scores[i] = (1 - weight) * (scores[i] as number) + (weight * Math.log1p(upvotes(i) ?? 0)) / Math.log1p(most);
  }
}
