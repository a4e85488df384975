// Ranking speed: 10,000 papers against 1,000 topics. The papers are synthetic but built from the
// sample's own sentences and title words (so term statistics, acronyms and abstract lengths look
// like real ones); the topics mix phrases, acronyms, OR, exclusions and seeds the way the starter
// topics do. Paperboy's path is what a digest run does: build the ranker over the papers, then rank
// every topic (its best 25 papers, and how many matched). The baseline, measured in the same runs, is plain MiniSearch BM25 (index the same
// papers, one OR search per topic): what the library alone costs.
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import type { Paper } from '../src/domain/paper.js';
import { parseQuery } from '../src/domain/query.js';
import { createRanker } from '../src/domain/ranking/ranker.js';
import { createFtsLexicalIndex } from '../src/store/lexical-index.js';
import { samplePapers } from './sample-papers.js';
import { summarise, type Summary } from './stats.js';

const PAPERS = 10_000;
const TOPICS = 1_000;
const RUNS = 3;

/** A small deterministic generator (mulberry32): the same corpus every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticCorpus(count = PAPERS, topicCount = TOPICS): { papers: Paper[]; queries: string[] } {
  const rand = random(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const sample = samplePapers();
  const sentences = sample.flatMap((p) => p.abstract.split(/(?<=\.)\s+/).filter((s) => s.length > 30));
  const titleWords = sample.flatMap((p) => p.title.split(/\s+/).filter((w) => w.length > 3));
  const papers: Paper[] = [];
  for (let i = 0; i < count; i++) {
    const base = sample[i % sample.length] as Paper;
    const title =
      i < sample.length
        ? base.title
        : `${pick(titleWords)} ${pick(titleWords)}: ${base.title.split(':').at(-1)?.trim()} ${pick(titleWords)}`;
    const abstract = Array.from({ length: 5 + Math.floor(rand() * 5) }, () => pick(sentences)).join(' ');
    const day = String(1 + (i % 28)).padStart(2, '0');
    papers.push({
      ...base,
      id: `bench:${i}`,
      title,
      abstract,
      firstSeenAt: `2026-11-${day}T06:00:00.000Z`,
      upvotes: Math.floor(rand() * 100),
    });
  }
  // A researcher names a topic by its own words, not by "learning" or "models": the single words
  // of a query are title words that at most five of the 103 sample abstracts use.
  const usedBy = (w: string) => sample.filter((p) => p.abstract.toLowerCase().includes(w)).length;
  const topicWords = [...new Set(titleWords.map((w) => w.toLowerCase().replace(/[^a-z0-9-]/g, '')))].filter(
    (w) => w.length > 3 && usedBy(w) <= 5,
  );
  const phrases = sample.flatMap((p) => {
    const words = p.title
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, ' ')
      .split(/\s+/)
      .filter((w) => w.length > 3);
    return words.slice(0, -1).map((w, k) => `${w} ${words[k + 1]}`);
  });
  const acronyms = ['NAS', 'LLM', 'ViT', 'SSM', 'GNN', 'CNN', 'KV', 'MoE', 'RAG', 'SAM'];
  const queries = Array.from({ length: topicCount }, (_, t) => {
    const parts = [`"${pick(phrases)}"`, pick(acronyms), pick(topicWords)];
    let q = parts.slice(0, 1 + (t % 3)).join(' OR ');
    if (t % 5 === 0)
      q += ` -${
        pick(titleWords)
          .toLowerCase()
          .replace(/[^a-z]/g, '') || 'survey'
      }`;
    if (t % 10 === 0) q += ` like:bench:${Math.floor(rand() * count)}`.replace('like:bench:', 'like:title:');
    return q;
  });
  return { papers, queries };
}

export interface RankingBench {
  papers: number;
  topics: number;
  paperboy: Summary;
  /** CPU time of the same runs: what neighbours on a shared machine disturb least. */
  cpu: Summary;
  build: Summary;
  baseline: Summary;
  results: number;
}

export function benchRanking(runs = RUNS): RankingBench {
  const { papers, queries } = syntheticCorpus();
  const parsed = queries.map((q) => parseQuery(q));
  const total: number[] = [];
  const cpu: number[] = [];
  const build: number[] = [];
  const base: number[] = [];
  let results = 0;
  for (let r = 0; r < runs; r++) {
    // Alternate the two so that load from neighbours falls on both alike.
    let start = performance.now();
    const cpuStart = process.cpuUsage();
    const ranker = createRanker(papers, createFtsLexicalIndex);
    build.push(performance.now() - start);
    results = 0;
    // What a digest run asks of each topic: its best 25 papers and how many matched in all.
    for (const q of parsed) results += ranker.top(q, 25).total;
    total.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);

    start = performance.now();
    const index = new MiniSearch<Paper>({ fields: ['title', 'abstract'] });
    index.addAll(papers);
    for (const q of queries) index.search(q.replace(/\s+OR\s+|"|-\S+|like:\S+/g, ' '), { combineWith: 'OR' });
    base.push(performance.now() - start);
  }
  return {
    papers: papers.length,
    topics: queries.length,
    paperboy: summarise(total),
    cpu: summarise(cpu),
    build: summarise(build),
    baseline: summarise(base),
    results,
  };
}

export function printRanking(r: RankingBench): void {
  console.log(
    `ranking ${r.papers} papers × ${r.topics} topics (index + all topics, ${r.results} ranked results in all)`,
  );
  console.log(`  Paperboy ranker:             ${r.paperboy.text}; of which building the index ${r.build.text}`);
  console.log(`  Paperboy ranker, CPU time:   ${r.cpu.text}`);
  console.log(
    `  plain MiniSearch BM25 (base): ${r.baseline.text}; ratio ${(r.paperboy.median / r.baseline.median).toFixed(1)}x`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printRanking(benchRanking());
