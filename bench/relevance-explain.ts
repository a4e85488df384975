// `npm run eval:relevance -- --explain <topic>`: why a judged topic ranks as it does. Prints the
// digest's first ten papers with their grades and scores, then every paper graded 1 or 2 that is
// not among them, with its place and score (or that the ranker never found it).
import { readFileSync } from 'node:fs';
import { parseQuery } from '../src/domain/query.js';
import { diversify } from '../src/domain/ranking/diversity.js';
import { createRanker, type ScoredPaper } from '../src/domain/ranking/ranker.js';
import { createFtsLexicalIndex } from '../src/store/lexical-index.js';
import { samplePapers } from './sample-papers.js';

const FIXTURES = new URL('../test/fixtures/relevance/', import.meta.url).pathname;
const TOPICS_FILE = new URL('../data/topics.json', import.meta.url).pathname;

export function explain(slug: string, slots: number): void {
  const papers = samplePapers();
  const judged = (JSON.parse(readFileSync(`${FIXTURES}judgements.json`, 'utf8')) as { topics: { slug: string; judgements: { id: string; grade: number }[] }[] }).topics;
  const topic = judged.find((t) => t.slug === slug);
  if (!topic) throw new Error(`no judged topic "${slug}"; judged: ${judged.map((t) => t.slug).join(', ')}`);
  let query: string | undefined;
  for (const file of [TOPICS_FILE, `${FIXTURES}queries.json`]) {
    for (const t of (JSON.parse(readFileSync(file, 'utf8')) as { topics: { slug: string; query: string }[] }).topics) if (t.slug === slug) query = t.query;
  }
  if (!query) throw new Error(`no query for "${slug}"`);
  const grades = new Map(topic.judgements.map((j) => [j.id, j.grade]));
  const ranker = createRanker(papers, createFtsLexicalIndex);
  const ranked = ranker.rank(parseQuery(query));
  const shown = diversify(ranked, slots, (a, b) => ranker.similarity(a.paper, b.paper));
  const line = (s: ScoredPaper, place: number) => {
    const how = s.related ? `related: ${s.related.join(', ')}` : `matched: ${s.matched.join(', ')}`;
    return `${String(place).padStart(3)}  g${grades.get(s.paper.id) ?? 0}  ${s.score.toFixed(3)}  ${s.paper.title.slice(0, 80)}  [${how}]`;
  };
  console.log(`${slug}: ${query}\n  #   grade score  title  [why]`);
  shown.slice(0, 10).forEach((s, k) => console.log(line(s, k + 1)));
  console.log('graded 1 or 2, not in the first ten:');
  const top = new Set(shown.slice(0, 10).map((s) => s.paper.id));
  for (const [id, grade] of [...grades].sort((a, b) => b[1] - a[1])) {
    if (grade === 0 || top.has(id)) continue;
    const at = shown.findIndex((s) => s.paper.id === id);
    const title = papers.find((p) => p.id === id)?.title.slice(0, 80);
    console.log(at === -1 ? `  -  g${grade}  never found  ${title}` : line(shown[at] as ScoredPaper, at + 1));
  }
}
