// `npm run eval:relevance`: how well topic rankings match the hand-graded judgements in
// test/fixtures/relevance/ (9 topics over the 103 sample papers, grades 2/1/0). Prints nDCG@10
// and P@5 per topic and their means, for Paperboy's ranker (as a digest uses it: ranked, then
// diversified) and for a plain BM25 baseline (MiniSearch defaults over title and abstract, the
// query's words OR-ed, no stemming, acronyms, phrases or feedback). A second table scores
// "more like these" topics: two judged papers of each topic as seeds, no words.
import { readFileSync } from 'node:fs';
import MiniSearch from 'minisearch';
import type { Paper } from '../src/domain/paper.js';
import { parseQuery } from '../src/domain/query.js';
import { diversify } from '../src/domain/ranking/diversity.js';
import { createRanker } from '../src/domain/ranking/ranker.js';
import { createFtsLexicalIndex } from '../src/store/lexical-index.js';
import { explain } from './relevance-explain.js';
import { samplePapers } from './sample-papers.js';

const FIXTURES = new URL('../test/fixtures/relevance/', import.meta.url).pathname;
const TOPICS_FILE = new URL('../data/topics.json', import.meta.url).pathname;
/** The digest's default number of slots, over which it diversifies. */
const SLOTS = 25;

interface Judged {
  slug: string;
  name: string;
  need: string;
  judgements: { id: string; grade: number; title: string }[];
}
export interface TopicResult {
  slug: string;
  ranker: { ndcg: number; p5: number; ids: string[] };
  baseline: { ndcg: number; p5: number; ids: string[] };
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

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

/** The query's words as a plain search engine sees them: operators and quotes gone. */
function plainWords(query: string): string {
  return query
    .split(/\s+OR\s+/)
    .join(' ')
    .replace(/(^|\s)-\S+/g, ' ')
    .replace(/"/g, ' ');
}

function baselineRank(papers: readonly Paper[], query: string): string[] {
  const index = new MiniSearch<Paper>({ fields: ['title', 'abstract'] });
  index.addAll(papers);
  return index.search(plainWords(query), { combineWith: 'OR' }).map((r) => r.id as string);
}

export function evaluate(): { results: TopicResult[]; queries: Map<string, string> } {
  const papers = samplePapers();
  const known = new Set(papers.map((p) => p.id));
  const judged = readJson<{ topics: Judged[] }>(`${FIXTURES}judgements.json`).topics;
  const queries = new Map<string, string>();
  for (const file of [TOPICS_FILE, `${FIXTURES}queries.json`]) {
    for (const t of readJson<{ topics: { slug: string; query: string }[] }>(file).topics) queries.set(t.slug, t.query);
  }
  const ranker = createRanker(papers, createFtsLexicalIndex);
  const results = judged.map((topic): TopicResult => {
    const query = queries.get(topic.slug);
    if (!query) throw new Error(`no query for judged topic "${topic.slug}": add it to data/topics.json or ${FIXTURES}queries.json`);
    const unknown = topic.judgements.find((j) => !known.has(j.id));
    if (unknown) throw new Error(`judged paper ${unknown.id} ("${unknown.title}") is not among the sample papers`);
    const grades = new Map(topic.judgements.map((j) => [j.id, j.grade]));
    const ranked = diversify(ranker.rank(parseQuery(query)), SLOTS, (a, b) => ranker.similarity(a.paper, b.paper)).map((s) => s.paper.id);
    const base = baselineRank(papers, query);
    return {
      slug: topic.slug,
      ranker: { ndcg: ndcgAt(10, ranked, grades), p5: precisionAt(5, ranked, grades), ids: ranked },
      baseline: { ndcg: ndcgAt(10, base, grades), p5: precisionAt(5, base, grades), ids: base },
    };
  });
  return { results, queries };
}

export function printRelevance({ results }: { results: TopicResult[] }): void {
  const f = (n: number) => n.toFixed(3);
  const mean = (pick: (r: TopicResult) => number) => results.reduce((s, r) => s + pick(r), 0) / results.length;
  console.log('\nRelevance (test/fixtures/relevance, 103 sample papers)');
  console.log('| topic | ranker nDCG@10 | ranker P@5 | BM25 nDCG@10 | BM25 P@5 |');
  console.log('|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.slug} | ${f(r.ranker.ndcg)} | ${f(r.ranker.p5)} | ${f(r.baseline.ndcg)} | ${f(r.baseline.p5)} |`);
  console.log(
    `| **mean** | **${f(mean((r) => r.ranker.ndcg))}** | **${f(mean((r) => r.ranker.p5))}** | **${f(mean((r) => r.baseline.ndcg))}** | **${f(mean((r) => r.baseline.p5))}** |`,
  );
}

export interface SeededResult {
  slug: string;
  seeds: string[];
  ndcg: number;
  p5: number;
}

/**
 * "More like these": for each judged topic, its first two papers graded 2 as `like:` seeds and no
 * words, ranked as a digest ranks them. The seeds stay in the corpus (a seed must be there to be
 * one) but are left out of the judgements: the ranking is scored on the remaining papers.
 */
export function evaluateSeeded(): SeededResult[] {
  const papers = samplePapers();
  const judged = readJson<{ topics: Judged[] }>(`${FIXTURES}judgements.json`).topics;
  const ranker = createRanker(papers, createFtsLexicalIndex);
  return judged.map((topic): SeededResult => {
    const seeds = topic.judgements.filter((j) => j.grade === 2).slice(0, 2).map((j) => j.id);
    const grades = new Map(topic.judgements.filter((j) => !seeds.includes(j.id)).map((j) => [j.id, j.grade]));
    const query = parseQuery(seeds.map((id) => `like:${id}`).join(' '));
    const ranked = diversify(ranker.rank(query), SLOTS, (a, b) => ranker.similarity(a.paper, b.paper))
      .map((s) => s.paper.id)
      .filter((id) => !seeds.includes(id));
    return { slug: topic.slug, seeds, ndcg: ndcgAt(10, ranked, grades), p5: precisionAt(5, ranked, grades) };
  });
}

export function printSeeded(results: readonly SeededResult[]): void {
  const f = (n: number) => n.toFixed(3);
  const mean = (pick: (r: SeededResult) => number) => results.reduce((s, r) => s + pick(r), 0) / results.length;
  console.log('\nSeeded (each topic\'s first two grade-2 papers as like: seeds alone, scored on the other papers)');
  console.log('| topic | seeded nDCG@10 | seeded P@5 |');
  console.log('|---|---|---|');
  for (const r of results) console.log(`| ${r.slug} | ${f(r.ndcg)} | ${f(r.p5)} |`);
  console.log(`| **mean** | **${f(mean((r) => r.ndcg))}** | **${f(mean((r) => r.p5))}** |`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--explain');
  if (at !== -1) explain(process.argv[at + 1] ?? '', SLOTS);
  else {
    printRelevance(evaluate());
    printSeeded(evaluateSeeded());
  }
}
