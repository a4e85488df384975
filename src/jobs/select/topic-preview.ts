// What a topic query finds before it is saved: how many of the recent papers it matches, the
// first few with why, and which of its words no recent paper has. `topics add`, the admin API
// and the admin page show it, and refuse (or warn about) a query that matches nothing.
import { explain, type ScoredPaper } from '../../domain/matching.js';
import { paperLink } from '../../domain/paper.js';
import { parseQuery } from '../../domain/query.js';
import { createRanker } from '../../domain/ranking/ranker.js';
import type { Correction } from '../../domain/ranking/spelling.js';
import { wordsWithoutHits } from '../../domain/words-without-hits.js';
import type { FullTextStore, PaperStore } from '../../store/ports.js';
import { BACKGROUND_PAPERS } from './background.js';
import { assertSeedsStored } from './topics.js';

/** How far back the preview looks: papers first seen in these last days. */
export const PREVIEW_DAYS = 30;
/** Papers a preview lists, best first. */
const PREVIEW_PAPERS = 5;

/** One paper a preview lists, with why it matched (the fields of ScoredPaper, and the sentence made of them). */
export interface PreviewPaper {
  id: string;
  title: string;
  url: string;
  score: number;
  matched: string[];
  related?: string[];
  filters?: string[];
  resembles?: { id: string; title: string };
  /** "matches NAS · related: supernet": as the digest says it. */
  why: string;
}

export interface TopicPreview {
  query: string;
  /** The papers tried: first seen after `from`, up to `to`. */
  window: { from: string; to: string; days: number; papers: number };
  /** How many of them the query matches. */
  matches: number;
  /** The first PREVIEW_PAPERS of them, best first. */
  first: PreviewPaper[];
  /** The query's words and phrases, as typed, that occur in none of the window's papers. */
  wordsWithoutHits: string[];
  /** Words no paper has that the ranking read as a frequent word one or two edits away ("did you mean"). */
  corrections: Correction[];
}

export interface PreviewDeps {
  store: Pick<PaperStore, 'papersFirstSeenBetween' | 'listPapers' | 'getPapers'> & FullTextStore;
  clock: () => Date;
  config: { digest: { popularity?: number } };
}

/**
 * Ranks the papers first seen in the last PREVIEW_DAYS for a query (one that parses: the caller
 * validated it), as a digest would rank them: the recent papers and the query's like: seeds inform
 * the ranking beside them. With no paper in the window nothing is ranked: the preview says so.
 */
export async function previewTopic({ store, clock, config }: PreviewDeps, source: string): Promise<TopicPreview> {
  const query = parseQuery(source);
  const to = clock();
  const from = new Date(to.getTime() - PREVIEW_DAYS * 86_400_000);
  const window = { from: from.toISOString(), to: to.toISOString(), days: PREVIEW_DAYS };
  const papers = await store.papersFirstSeenBetween(window.from, window.to);
  if (papers.length === 0)
    return {
      query: source,
      window: { ...window, papers: 0 },
      matches: 0,
      first: [],
      wordsWithoutHits: [],
      corrections: [],
    };

  const background = await store.listPapers({ limit: BACKGROUND_PAPERS });
  const have = new Set([...papers, ...background].map((p) => p.id));
  const seeds = query.seeds.filter((id) => !have.has(id));
  const corpus = [...papers, ...background, ...(seeds.length > 0 ? await store.getPapers(seeds) : [])];
  const ranker = createRanker(corpus, store.lexicalIndex);
  try {
    const candidates = new Set(papers.map((p) => p.id));
    const { picked, total, corrections } = ranker.top(query, PREVIEW_PAPERS, {
      candidates,
      popularity: config.digest.popularity ?? 0,
    });
    return {
      query: source,
      window: { ...window, papers: papers.length },
      matches: total,
      first: picked.map(previewPaper),
      wordsWithoutHits: wordsWithoutHits(query, papers, ranker.acronyms),
      corrections,
    };
  } finally {
    ranker.close();
  }
}

function previewPaper(scored: ScoredPaper): PreviewPaper {
  const { paper } = scored;
  return {
    id: paper.id,
    title: paper.title,
    url: paperLink(paper),
    score: scored.score,
    matched: scored.matched,
    ...(scored.related?.length ? { related: scored.related } : {}),
    ...(scored.filters?.length ? { filters: scored.filters } : {}),
    ...(scored.resembles ? { resembles: scored.resembles } : {}),
    why: explain(scored),
  };
}

/** Whether the query matches none of the window's papers (a window without papers tells nothing). */
export const matchesNothing = (preview: TopicPreview) => preview.window.papers > 0 && preview.matches === 0;

/** "103 papers from the last 30 days" */
const ofWindow = (preview: TopicPreview) =>
  `${preview.window.papers} ${preview.window.papers === 1 ? 'paper' : 'papers'} from the last ${preview.window.days} days`;

/** "matches 4 of 103 papers from the last 30 days", or "matches none of the 103 papers …". */
export function matchCount(preview: TopicPreview): string {
  if (preview.window.papers === 0) return `no papers from the last ${preview.window.days} days to try the query on`;
  return preview.matches === 0
    ? `matches none of the ${ofWindow(preview)}`
    : `matches ${preview.matches} of ${ofWindow(preview)}`;
}

/** "no paper has nueral or serch; did you mean neural (for nueral)?", or undefined when every word was found. */
export function missingWords(preview: TopicPreview): string | undefined {
  const parts: string[] = [];
  const words = preview.wordsWithoutHits;
  if (words.length > 0)
    parts.push(`no paper has ${words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`}`);
  if (preview.corrections.length > 0)
    parts.push(`did you mean ${preview.corrections.map((c) => `${c.suggestion} (for ${c.typed})`).join(', ')}?`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * Why a query that matches nothing is worth a second look, in one line: the words no paper has,
 * or, when each of them occurs somewhere, that no paper meets the query as a whole (its words
 * together, its filters, its exclusions).
 */
export function nothingMatchedReason(preview: TopicPreview): string {
  return `${matchCount(preview)}: ${missingWords(preview) ?? 'no paper meets the query as a whole, though each of its words occurs somewhere'}`;
}

/** Checks a query as `topics add` would (strictly; its like: seeds stored), then previews it: for trying a query without saving. */
export async function previewNewQuery(deps: PreviewDeps, query: string): Promise<TopicPreview> {
  const source = query.trim();
  parseQuery(source, { strict: true });
  await assertSeedsStored(deps.store, { query: source });
  return previewTopic(deps, source);
}
