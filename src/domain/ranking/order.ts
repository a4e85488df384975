// Small helpers of the ranker: ordering, top-k, popularity, tidy explanations.

/**
 * The first `k` items in `cmp` order, without sorting them all when k is smaller than their
 * number. `cmp` must be a total order (ties broken), so the result is what a full sort would give.
 */
export function topK<T>(items: ArrayLike<T>, k: number, cmp: (a: T, b: T) => number): T[] {
  if (k >= items.length) return Array.from(items).sort(cmp);
  if (k <= 0) return [];
  if (k >= items.length / 4) {
    // Quickselect the k first to the front, then sort only those: about half the comparisons of
    // sorting everything when k is a quarter of the items or more (a reader's head of a list).
    const all = Array.from(items);
    selectFirst(all, k, cmp);
    return all.slice(0, k).sort(cmp);
  }
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

/** Reorders `a` so that its first k items are the k first in `cmp` order (in any order among themselves). */
function selectFirst<T>(a: T[], k: number, cmp: (a: T, b: T) => number): void {
  let lo = 0;
  let hi = a.length - 1;
  const swap = (i: number, j: number) => {
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  };
  while (lo < hi) {
    // Median of three as the pivot, moved to the end (Lomuto partition).
    const mid = (lo + hi) >> 1;
    if (cmp(a[mid] as T, a[lo] as T) < 0) swap(mid, lo);
    if (cmp(a[hi] as T, a[lo] as T) < 0) swap(hi, lo);
    if (cmp(a[mid] as T, a[hi] as T) < 0) swap(mid, hi);
    const pivot = a[hi] as T;
    let store = lo;
    for (let i = lo; i < hi; i++) {
      if (cmp(a[i] as T, pivot) < 0) swap(i, store++);
    }
    swap(store, hi);
    if (store === k || store === k - 1) return;
    if (store < k) lo = store + 1;
    else hi = store - 1;
  }
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

/**
 * Mixes log-scaled upvotes into the scores (by paper), only among papers that matched and only when
 * some have upvotes. A paper whose upvotes are unknown (its source has none, as arXiv) is not
 * unpopular: counting it as 0 upvotes pushed it below popular but less relevant papers, and leaving
 * it unblended would put it above every blended paper of the same relevance. It is blended as a
 * paper of typical popularity: the median of the papers whose upvotes are known.
 */
export function blendPopularity(
  found: ArrayLike<number>,
  scores: Float64Array,
  weight: number,
  upvotes: (i: number) => number | undefined,
): void {
  const known: number[] = [];
  for (let k = 0; k < found.length; k++) {
    const u = upvotes(found[k] as number);
    if (u !== undefined) known.push(Math.log1p(Math.max(0, u)));
  }
  const most = known.reduce((a, b) => Math.max(a, b), 0);
  if (most <= 0) return;
  known.sort((a, b) => a - b);
  const mid = known.length >> 1;
  const median =
    known.length % 2 === 1 ? (known[mid] as number) : ((known[mid - 1] as number) + (known[mid] as number)) / 2;
  for (let k = 0; k < found.length; k++) {
    const i = found[k] as number;
    const u = upvotes(i);
    const popularity = u === undefined ? median : Math.log1p(Math.max(0, u));
    scores[i] = (1 - weight) * (scores[i] as number) + (weight * popularity) / most;
  }
}
