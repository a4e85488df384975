import type { Paper } from './paper.js';
import { type Query, tokenize } from './query.js';

/** A paper picked for a topic, with its score and the terms that matched. */
export interface ScoredPaper {
  paper: Paper;
  score: number;
  matched: string[];
}

// A word in the title says more about what the paper is about than the same word in the abstract.
const TITLE_WEIGHT = 3;
// Repeating a word in an abstract helps a little, not without limit.
const MAX_ABSTRACT_HITS = 3;

function countOccurrences(tokens: readonly string[], term: readonly string[]): number {
  let count = 0;
  outer: for (let i = 0; i + term.length <= tokens.length; i++) {
    for (let j = 0; j < term.length; j++) if (tokens[i + j] !== term[j]) continue outer;
    count++;
  }
  return count;
}

// A paper is scored against every topic of a planning run: tokenize its text once, not once per
// topic. Keyed weakly by the paper object (papers read from the store are never changed in
// place), so the tokens go when the paper does.
const TOKENS = new WeakMap<Paper, { title: string[]; abstract: string[] }>();
function tokensOf(paper: Paper): { title: string[]; abstract: string[] } {
  let t = TOKENS.get(paper);
  if (!t) {
    t = { title: tokenize(paper.title), abstract: tokenize(paper.abstract) };
    TOKENS.set(paper, t);
  }
  return t;
}

/**
 * Scores one paper against a query: 0 when no alternative matches, otherwise the weighted hits of
 * the best-matching alternative. A simple, predictable matcher: every word of an alternative must
 * occur in the title or the abstract.
 */
export function scorePaper(query: Query, paper: Paper): { score: number; matched: string[] } {
  const { title, abstract } = tokensOf(paper);
  let best = { score: 0, matched: [] as string[] };
  for (const alt of query.alternatives) {
    if (alt.excluded.some((t) => countOccurrences(title, t) + countOccurrences(abstract, t) > 0)) continue;
    let score = 0;
    const matched: string[] = [];
    for (const term of alt.required) {
      const hits =
        TITLE_WEIGHT * countOccurrences(title, term) + Math.min(MAX_ABSTRACT_HITS, countOccurrences(abstract, term));
      if (hits === 0) {
        score = 0;
        break;
      }
      score += hits * term.length;
      matched.push(term.join(' '));
    }
    if (score > best.score) best = { score, matched };
  }
  return best;
}

/** The papers that match, best first; ties go to the newer paper, then to the title. */
export function rankPapers(query: Query, papers: readonly Paper[]): ScoredPaper[] {
  const scored: ScoredPaper[] = [];
  for (const paper of papers) {
    const { score, matched } = scorePaper(query, paper);
    if (score > 0) scored.push({ paper, score, matched });
  }
  return scored.sort(
    (a, b) =>
      b.score - a.score ||
      b.paper.firstSeenAt.localeCompare(a.paper.firstSeenAt) ||
      a.paper.title.localeCompare(b.paper.title),
  );
}
