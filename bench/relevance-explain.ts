// `npm run eval:relevance -- --explain <topic> [--query "<text>"]`: why a judged topic ranks as it
// does, for its crafted query or for any other text (a natural phrasing). Prints the digest's first
// ten papers with their grades and scores, then every paper graded 1 or 2 that is not among them,
// with its place and score (or that the ranker never found it).
import { parseQuery } from '../src/domain/query.js';
import { diversify } from '../src/domain/ranking/diversity.js';
import { createRanker, type ScoredPaper } from '../src/domain/ranking/ranker.js';
import { createFtsLexicalIndex } from '../src/store/lexical-index.js';
import { EvalInputError, loadCrafted, loadJudgements } from './relevance-data.js';
import { samplePapers } from './sample-papers.js';

export function explain(slug: string, slots: number, text?: string): void {
  const papers = samplePapers();
  const judged = loadJudgements(papers);
  const topic = judged.find((t) => t.slug === slug);
  if (!topic) throw new EvalInputError(`no judged topic "${slug}"; judged: ${judged.map((t) => t.slug).join(', ')}`);
  const query = text ?? loadCrafted(judged).get(slug)!.query;
  const { grades } = topic;
  const ranker = createRanker(papers, createFtsLexicalIndex);
  const ranked = ranker.rank(parseQuery(query, { strict: text !== undefined }));
  const shown = diversify(ranked, slots, (a, b) => ranker.similarity(a.paper, b.paper));
  const line = (s: ScoredPaper, place: number) => {
    const how = s.related ? `related: ${s.related.join(', ')}` : `matched: ${s.matched.join(', ')}`;
    return `${String(place).padStart(3)}  g${grades.get(s.paper.id) ?? 0}  ${s.score.toFixed(3)}  ${s.paper.title.slice(0, 80)}  [${how}]`;
  };
  console.log(`${slug}: ${query}\n  #   grade score  title  [why]`);
  for (const [k, s] of shown.slice(0, 10).entries()) console.log(line(s, k + 1));
  console.log('graded 1 or 2, not in the first ten:');
  const top = new Set(shown.slice(0, 10).map((s) => s.paper.id));
  for (const [id, grade] of [...grades].sort((a, b) => b[1] - a[1])) {
    if (grade === 0 || top.has(id)) continue;
    const at = shown.findIndex((s) => s.paper.id === id);
    const title = papers.find((p) => p.id === id)?.title.slice(0, 80);
    console.log(at === -1 ? `  -  g${grade}  never found  ${title}` : line(shown[at] as ScoredPaper, at + 1));
  }
  ranker.close();
}
